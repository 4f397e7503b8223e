"""``python -m mocks.eid``: run the mock eID login."""

from mocks.eid.app import main

raise SystemExit(main())
