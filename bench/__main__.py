"""Run every benchmark module in :data:`BENCHES` and print one JSON object ``{name: result}``.

Each module exposes ``run() -> dict``. ``python -m bench --only validation`` runs one
(the name is the module name without the ``bench.`` prefix). Add new modules to BENCHES.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

BENCHES: tuple[str, ...] = ("bench.validation", "bench.audit", "bench.as4", "bench.node",
                           "bench.provider")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bench``."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark (repeatable), e.g. validation",
    )
    args = parser.parse_args(argv)
    names = [m.removeprefix("bench.") for m in BENCHES]
    selected = args.only or names
    unknown = sorted(set(selected) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(names)}")
    results: dict[str, Any] = {}
    for module, name in zip(BENCHES, names, strict=True):
        if name in selected:
            results[name] = importlib.import_module(module).run()
    json.dump(results, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
