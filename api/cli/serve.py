from __future__ import annotations

import argparse
import copy
import gc
import importlib.util
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

# At import, not in run(): ``radix`` imports the command's module with the collector paused (api/cli/__init__.py).
import uvicorn
from uvicorn.importer import import_from_string

from graph.errors import RadixError

from ..app import create_app
from ..state import Settings, open_state

#: What each worker process imports and calls: it builds its settings from the environment.
FACTORY = "api.app:create_app_from_env"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the REST API")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes sharing the port, each holding the graph (default 1)",
    )
    p.add_argument(
        "--timeout-graceful-shutdown",
        type=int,
        default=10,
        metavar="SECONDS",
        help="on SIGTERM or Ctrl+C, how long requests in flight may take to finish (default 10)",
    )
    p.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="one JSON line per request on stdout (logger radix.access; shown at --log-level info or debug)",
    )
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
    p.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="read the graph from this SPARQL 1.1 query endpoint (an Oxigraph server or Fuseki holding the graph) "
        "instead of the shipped files; /sparql and the RDF formats are answered by the store (also RADIX_STORE)",
    )
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(run=run)


def log_config(level: str, access_log: bool) -> dict[str, Any]:
    """uvicorn's logging, plus ``radix.access`` as bare JSON lines on stdout (uvicorn's own access log is off)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["radix_access"] = {"format": "%(message)s"}
    config["handlers"]["radix_access"] = {
        "class": "logging.StreamHandler",
        "formatter": "radix_access",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["radix.access"] = {
        "handlers": ["radix_access"] if access_log else [],
        "level": level.upper() if access_log else "CRITICAL",
        "propagate": False,
    }
    return config


def run(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise RadixError("--workers must be at least 1")
    if args.timeout_graceful_shutdown < 0:
        raise RadixError("--timeout-graceful-shutdown must not be negative")
    # uvloop, never asyncio's loop: with several workers, asyncio's answers each wait ~44 ms (DESIGN §7)
    if importlib.util.find_spec("uvloop") is not None:
        loop = "uvloop"
    elif args.workers == 1:
        loop = "asyncio"
    else:
        raise RadixError("--workers above 1 needs uvloop (pip install 'uvicorn[standard]')")

    settings = Settings.from_env()
    extend = (*settings.extra_files, *args.extend)
    settings = replace(settings, extra_files=extend, use_cache=settings.use_cache and not args.no_cache)
    if args.store is not None:
        settings = replace(settings, store_url=args.store.strip())
    if settings.store_url and settings.extra_files:
        raise RadixError("--store and --extend cannot be combined: load the extension into the store instead")
    # Load (and validate) before binding the port: a refused extension is a clear message and exit 2.
    # This also writes the cache that the workers then read.
    state = open_state(settings)
    if settings.store_url:
        print(f"radix: serving the graph held by the SPARQL store at {settings.store_url}")
    if settings.extra_files:
        print(
            f"radix: serving the shipped graph with {len(settings.extra_files)} extension file(s): "
            f"{', '.join(map(str, settings.extra_files))}"
        )
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "loop": loop,
        "log_level": args.log_level,
        "log_config": log_config(args.log_level, args.access_log),
        "access_log": False,  # radix.access logs instead, as JSON
        "timeout_graceful_shutdown": args.timeout_graceful_shutdown,
    }
    if args.workers == 1:
        uvicorn.run(create_app(settings, state=state), **options)
        return 0
    # Several workers: each is a fresh interpreter (spawned, not forked) that builds the app from the
    # environment and reads the graph from the cache just written; this process only supervises them.
    del state
    gc.collect()
    os.environ["RADIX_EXTEND"] = os.pathsep.join(str(path.resolve()) for path in settings.extra_files)
    if not settings.use_cache:
        os.environ["RADIX_NO_CACHE"] = "1"
    os.environ["RADIX_STORE"] = settings.store_url
    # Make the app once here, as each worker will (without loading the graph): a worker that fails
    # on start is restarted by uvicorn again and again, so fail here, once, instead.
    import_from_string(FACTORY)()
    uvicorn.run(FACTORY, factory=True, workers=args.workers, **options)
    return 0
