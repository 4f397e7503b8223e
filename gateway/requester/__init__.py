"""The evidence requester for the WSP (issue 7): EB + DSD discovery, EDM requests, preview.

Modules (``docs/requester.md``): :mod:`.discovery` (EB/DSD walk, verified answers,
choices and DSD:ERR:0005 back to the user; no I/O), :mod:`.messages` (EDM request out,
preview sequence; no I/O), :mod:`.model` (cases), :mod:`.webhook` (HMAC signatures),
:mod:`.service` (orchestration), :mod:`.repository`, :mod:`.adapters` and
:mod:`.wiring` (database, HTTP, node hook-up). The REST API is :mod:`gateway.web.portal`.
"""
