"""``python -m mocks.de_registers``: run the mocked Handelsregister."""

from mocks.de_registers.app import main

raise SystemExit(main())
