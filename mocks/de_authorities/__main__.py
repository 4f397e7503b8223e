"""``python -m mocks.de_authorities``: run the mocked Gewerbeamt inboxes."""

from mocks.de_authorities.app import main

raise SystemExit(main())
