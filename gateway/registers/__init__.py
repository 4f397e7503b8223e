"""National register adapters: the German Handelsregister behind a :class:`CompanyRegister`.

::

    from gateway.registers import CompanyRegister, RegisterKey, CompanyRecord
    from gateway.registers._transport.handelsregister import HandelsregisterClient
    register: CompanyRegister = HandelsregisterClient(base_url, timeout=5.0)
    record = register.lookup(RegisterKey("K1101R", "HRB", "116737"), now=now)

The question goes out as an XNachweis ``DE.EvidenceRequest.0301``-shaped message
(:mod:`.xnachweis`); the register answers with its XJustiz ``nachricht.reg.0400003``
structured content (:mod:`.xjustiz`). Both codecs are free of I/O; the HTTP transport is
in :mod:`._transport`.
"""

from gateway.registers.model import (
    CompanyNotFound,
    CompanyRecord,
    CompanyRegister,
    CompanyStatus,
    Officer,
    RegisterKey,
    RegisterUnavailable,
)

__all__ = [
    "CompanyNotFound",
    "CompanyRecord",
    "CompanyRegister",
    "CompanyStatus",
    "Officer",
    "RegisterKey",
    "RegisterUnavailable",
]
