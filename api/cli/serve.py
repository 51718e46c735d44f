from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the REST API")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--no-cache", action="store_true", help="re-parse the Turtle even when a cached graph exists")
    p.add_argument(
        "--extend",
        action="append",
        type=Path,
        default=[],
        metavar="FILE.ttl",
        help=f"serve this Turtle file with the shipped graph, after the same validation (repeatable; "
        f"also RADIX_EXTEND, files joined by {os.pathsep!r})",
    )
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from ..app import create_app
    from ..state import Settings, open_state

    settings = Settings.from_env()
    settings = replace(
        settings, extra_files=(*settings.extra_files, *args.extend), use_cache=settings.use_cache and not args.no_cache
    )
    # Load (and validate) before binding the port: a refused extension is a clear message and exit 2.
    state = open_state(settings)
    if settings.extra_files:
        print(
            f"radix: serving the shipped graph with {len(settings.extra_files)} extension file(s): "
            f"{', '.join(map(str, settings.extra_files))}"
        )
    uvicorn.run(create_app(settings, state=state), host=args.host, port=args.port, log_level=args.log_level)
    return 0
