"""``python -m mocks.eu_peers.portals.abroad``."""

from mocks.eu_peers.portals.abroad.app import main

raise SystemExit(main())
