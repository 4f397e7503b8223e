"""Test wrapper: run the real node app in uvicorn, with optional fault injection.

Usage: python node_app.py --config FILE --port PORT [--ssl-certfile F --ssl-keyfile F
[--ssl-ca-certs F]]

``OOTS_TEST_CRASH_AT=<stage>[@<n>]`` (read HERE only, never inside gateway/) makes
the process SIGKILL itself the n-th time (default: first) the node reaches that
stage (``gateway.node`` stage names: inbound-stored, inbound-handled,
outbound-attempt-begun, outbound-posted, outbound-attempt-failed). Before dying it
writes ``<var_dir>/crashed-<stage>`` so the test knows where the process died.
"""

from __future__ import annotations

import argparse
import os
import signal
import ssl
import sys
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))  # peer_app for [node] application

from gateway.settings import Settings
from gateway.web import create_app


def main() -> None:
    """Build the app from the configuration file and serve it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ssl-certfile")
    parser.add_argument("--ssl-keyfile")
    parser.add_argument("--ssl-ca-certs", help="require client certificates issued by this CA")
    args = parser.parse_args()
    settings = Settings.load(config_file=args.config, environ={})
    app = create_app(settings)
    crash = os.environ.get("OOTS_TEST_CRASH_AT")
    if crash:
        stage, _, nth = crash.partition("@")
        remaining = [int(nth or 1)]

        def killer(name: str, message_id: str) -> None:
            if name != stage:
                return
            remaining[0] -= 1
            if remaining[0] == 0:
                (settings.var_dir / f"crashed-{stage}").write_text(message_id)
                os.kill(os.getpid(), signal.SIGKILL)

        app.state.node.stages.append(killer)
    tls: dict[str, object] = {}
    if args.ssl_certfile:
        tls = {"ssl_certfile": args.ssl_certfile, "ssl_keyfile": args.ssl_keyfile}
    if args.ssl_ca_certs:
        tls |= {"ssl_ca_certs": args.ssl_ca_certs, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning",
                **tls)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
