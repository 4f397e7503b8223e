"""``python -m mocks.eu_peers.providers --country NL|AT --port N --de-endpoint URL ...``

The mock NL or AT access point (:mod:`mocks.eu_peers.access_point`: AS4 in and out,
control API) with the register's provider behaviour (:mod:`.provider`) and its preview
pages (:mod:`.pages`) in one process. ``--tls-cert``/``--tls-key`` serve it over HTTPS
(the PreviewLocation must be ``https://``, R-EDM-ERR-C019); ``--public-url`` is the base
the PreviewLocation is built on (default ``https://127.0.0.1:<port>``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mocks.eu_peers.access_point import AccessPoint, create_app
from mocks.eu_peers.handlers import Journal
from mocks.eu_peers.party import PeerParty
from mocks.eu_peers.providers.pages import add_preview_pages
from mocks.eu_peers.providers.provider import MockProvider
from mocks.pki import ensure_pki


def main(argv: Sequence[str] | None = None) -> int:
    """Run one mock provider access point."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.eu_peers.providers")
    parser.add_argument("--country", required=True, choices=["NL", "AT"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--de-endpoint", required=True, help="the DE node's AS4 URL")
    parser.add_argument("--pki", type=Path, default=Path("var/pki"))
    parser.add_argument("--data", type=Path, help="journal directory")
    parser.add_argument("--tls-cert", type=Path)
    parser.add_argument("--tls-key", type=Path)
    parser.add_argument("--public-url")
    args = parser.parse_args(argv)
    scheme = "https" if args.tls_cert else "http"
    public = args.public_url or f"{scheme}://{args.host}:{args.port}"
    party = PeerParty.load(args.country, pki=ensure_pki(args.pki), de_endpoint=args.de_endpoint)
    provider = MockProvider(args.country, public)
    ap = AccessPoint(party, Journal(args.data or Path("var/mocks") / args.country.lower()),
                     handler=provider)
    provider.attach(ap.send)
    app = create_app(ap)
    add_preview_pages(app, provider)
    print(f"mock {args.country} provider {party.country.party_id} on {public} "
          "(/as4, /preview, /control)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                ssl_certfile=str(args.tls_cert) if args.tls_cert else None,
                ssl_keyfile=str(args.tls_key) if args.tls_key else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
