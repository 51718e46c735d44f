"""The ``radix`` command: a thin command per verb, each calling a domain or loader function."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from graph.errors import RadixError

from . import bench, build, check, diff, export, import_table, lesson, localize, mappings, query, serve, stats


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="radix", description="Radix: knowledge graph of the spine and peripheral nerves.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (serve, query, localize, lesson, check, stats, build, mappings, export, import_table, diff, bench):
        module.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
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
