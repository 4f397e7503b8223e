"""``oots-audit``: the stand-alone verifier of the gateway's signed exchange log.

Depends on nothing of the gateway: only the documented formats (``docs/audit.md``)
and the log's public key.
"""
