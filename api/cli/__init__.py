"""The ``radix`` command: a thin command per verb, each calling a domain or loader function."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Final

from graph.errors import RadixError

#: The command modules, in the order ``radix --help`` lists them, and the commands each registers.
MODULES: Final[dict[str, tuple[str, ...]]] = {
    "serve": ("serve",),
    "query": ("roots", "entity", "search", "paths"),
    "localize": ("localize", "eval"),
    "lesson": ("lesson",),
    "check": ("check",),
    "stats": ("stats",),
    "build": ("build",),
    "mappings": ("mappings",),
    "export": ("export",),
    "import_table": ("import",),
    "diff": ("diff",),
    "bench": ("bench",),
}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``radix`` parser: every command, or only ``command``'s module when it names one.

    Only the module of the command being run is imported: the others pull in rdflib, validation and
    table compilation, which would cost a warm ``radix serve`` about 0.3 s of start-up.
    """
    p = argparse.ArgumentParser(prog="radix", description="Radix: knowledge graph of the spine and peripheral nerves.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = [name for name, commands in MODULES.items() if command in commands] or list(MODULES)
    for name in chosen:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Importing a command's modules (for ``serve``: FastAPI, networkx, the app) makes ~130k objects that live as
    # long as the process; the collector would sweep them again and again as they load (0.1 s of a warm start).
    # So it is paused while they load, and they are then set aside (gc.freeze) so later passes skip them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # the first word names the command unless it is an option (``radix --help``): then every command is listed
        args = parser(argv[0] if argv and not argv[0].startswith("-") else None).parse_args(argv)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    try:
        code: int = args.run(args)
    except RadixError as exc:
        print(f"radix: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stderr.close()
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
