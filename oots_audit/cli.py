"""``oots-audit verify --log URL|DIR --key PUB [--state DIR]``.

Exit codes: 0 every check held; 1 the log is not valid (the verdict says why);
2 the verifier could not run (bad arguments, unreadable key or log).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from oots_audit._source import open_source
from oots_audit._tlog import LogKey, VerifyError
from oots_audit._verify import State, verify_log

__all__ = ["main"]


def _default_state_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "oots-audit"


def _read_key(value: str) -> LogKey:
    path = Path(value)
    text = path.read_text(encoding="utf-8") if "+" not in value and path.is_file() else value
    return LogKey.parse(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oots-audit", description="Verify the OOTS gateway's signed exchange log."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    verify = sub.add_parser("verify", help="replay and check a log (URL or export directory)")
    verify.add_argument("location", nargs="?", help="log URL or export directory")
    verify.add_argument("--log", dest="log", help="log URL or export directory")
    verify.add_argument(
        "--key", required=True, help="log public key name+hash+keydata, or a file holding it"
    )
    verify.add_argument(
        "--state",
        type=Path,
        default=None,
        help="where checkpoints seen before are kept (default: ~/.cache/oots-audit)",
    )
    verify.add_argument("--no-state", action="store_true", help="do not keep checkpoints")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "verify":
        parser.print_help()
        return 2
    location = args.log or args.location
    if not location:
        parser.error("give the log as --log URL|DIR (or as the first argument)")
    try:
        key = _read_key(args.key)
        source = open_source(location)
        state = None if args.no_state else State(args.state or _default_state_dir(), key)
        print(f"oots-audit: verifying {source.describe()} with key {key}")
        report = verify_log(source, key, state)
    except (OSError, VerifyError) as exc:
        print(f"oots-audit: cannot verify: {exc}", file=sys.stderr)
        return 2
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
