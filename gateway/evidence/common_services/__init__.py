"""OOTS Common Services: Evidence Broker and Data Service Directory messages, signed answers.

No I/O here: queries render to/parse from HTTP GET parameters, responses build to/parse
from bytes, signatures verify bytes + headers at an explicit ``now``.
"""
