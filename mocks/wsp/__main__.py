"""``python -m mocks.wsp --port N --portal-url URL --token T --webhook-secret S``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mocks.wsp.app import WspConfig, create_app


def main(argv: Sequence[str] | None = None) -> int:
    """Run the WSP stand-in."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.wsp")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--portal-url", required=True, help="the DE gateway's base URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--webhook-secret", required=True)
    parser.add_argument("--tls-cert", type=Path)
    parser.add_argument("--tls-key", type=Path)
    parser.add_argument("--ca", help="CA bundle to verify the gateway (https)")
    args = parser.parse_args(argv)
    scheme = "https" if args.tls_cert else "http"
    cfg = WspConfig(args.portal_url, args.token, args.webhook_secret,
                    f"{scheme}://{args.host}:{args.port}", verify=args.ca or True)
    print(f"WSP stand-in on {cfg.public_url} -> portal {args.portal_url}", flush=True)
    uvicorn.run(create_app(cfg), host=args.host, port=args.port, log_level="warning",
                ssl_certfile=str(args.tls_cert) if args.tls_cert else None,
                ssl_keyfile=str(args.tls_key) if args.tls_key else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
