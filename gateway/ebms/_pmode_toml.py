"""Our PMode file format (TOML, documented in ``docs/pmode.md``): load and render.

Text in, :class:`~gateway.ebms._pmode.PMode` out; unknown keys, wrong types and
bad values raise :class:`~gateway.errors.ConfigurationError` naming the key, so a
typo never silently changes behaviour. Reading the file is the caller's job.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from gateway.ebms._model import DEFAULT_MPC, PartyId
from gateway.ebms._pmode import (
    Binding,
    Leg,
    Mep,
    Peer,
    PMode,
    PropertySpec,
    ReceptionAwareness,
    SecurityRequirements,
)
from gateway.ebms.security import SecurityProfile
from gateway.errors import ConfigurationError, GatewayError

__all__ = ["load_pmode", "render_pmode"]

_MEPS = {"oneway": Mep.ONE_WAY, "twoway": Mep.TWO_WAY}
_BINDINGS = {"push": Binding.PUSH, "pushandpush": Binding.PUSH_AND_PUSH}
_PROFILES = {p.value.lower(): p for p in SecurityProfile} | {
    "1.15": SecurityProfile.EDELIVERY_AS4_1_15, "rsa": SecurityProfile.EDELIVERY_AS4_1_15,
    "2.0": SecurityProfile.EDELIVERY_AS4_2_0, "eddsa": SecurityProfile.EDELIVERY_AS4_2_0,
}


class _Table:
    """A TOML table read with key tracking (every key must be consumed)."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def _get(self, key: str, kind: type | tuple[type, ...], default: Any, required: bool) -> Any:
        self.used.add(key)
        if key not in self.data:
            if required:
                raise ConfigurationError(f"{self.where}: missing key {key!r}")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            name = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ConfigurationError(f"{self.where}.{key} must be {name}, got {value!r}")
        return value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self._get(key, str, default, required)
        return None if value is None or value == "" else str(value)

    def req_text(self, key: str) -> str:
        value = self.text(key, required=True)
        if value is None:
            raise ConfigurationError(f"{self.where}.{key} must not be empty")
        return value

    def flag(self, key: str, default: bool) -> bool:
        return bool(self._get(key, bool, default, False))

    def number(self, key: str, default: float) -> float:
        return float(self._get(key, (int, float), default, False))

    def table(self, key: str, *, required: bool = False) -> _Table:
        return _Table(self._get(key, dict, {}, required), f"{self.where}.{key}")

    def tables(self, key: str) -> list[_Table]:
        items = self._get(key, list, [], False)
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise ConfigurationError(f"{self.where}.{key}[{i}] must be a table")
            out.append(_Table(item, f"{self.where}.{key}[{i}]"))
        return out

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise ConfigurationError(f"{self.where}: unknown key(s) {extra}")


def _profile(value: str | None, where: str) -> SecurityProfile | None:
    if value is None:
        return None
    try:
        return _PROFILES[value.lower()]
    except KeyError:
        raise ConfigurationError(f"{where}: unknown security profile {value!r}; use one of "
                                 f"{[p.value for p in SecurityProfile]}") from None


def load_pmode(text: str, *, source: str = "PMode") -> PMode:
    """Parse one PMode from TOML text (``source`` names it in errors)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{source} is not valid TOML: {exc}") from exc
    top = _Table(raw, source)
    try:
        return _build(top, source)
    except ConfigurationError:
        raise
    except GatewayError as exc:  # model validation (e.g. an empty PartyId)
        raise ConfigurationError(f"{source}: {exc.message}") from exc


def _build(top: _Table, source: str) -> PMode:
    pmode_id = top.req_text("id")
    mep_name = (top.text("mep", "oneWay") or "oneWay").lower()
    binding_name = (top.text("binding", "push") or "push").lower()
    if mep_name not in _MEPS or binding_name not in _BINDINGS:
        raise ConfigurationError(f"{source}: unknown mep {mep_name!r} or binding {binding_name!r}")
    party = top.table("party", required=True)
    roles = top.table("roles", required=True)
    service = top.table("service", required=True)
    agreement = top.table("agreement")
    security = top.table("security")
    ra = top.table("reception_awareness")
    retry = ra.text("retry", "12;4;CONSTANT") or "12;4;CONSTANT"
    awareness = ReceptionAwareness.from_domibus(
        retry,
        duplicate_detection=ra.flag("duplicate_detection", True),
        duplicate_window=timedelta(hours=ra.number("duplicate_window_hours", 24)),
    )
    sec = SecurityRequirements(
        profile=_profile(security.text("profile"), f"{source}.security")
        or SecurityProfile.EDELIVERY_AS4_1_15,
        sign=security.flag("sign", True),
        encrypt=security.flag("encrypt", True),
        signed_receipts=security.flag("signed_receipts", True),
    )
    props = []
    for t in top.tables("properties"):
        props.append(PropertySpec(t.req_text("name"), t.flag("required", True), t.text("type")))
        t.done()
    legs = []
    for t in top.tables("legs"):
        legs.append(Leg(t.req_text("name"), t.req_text("action"), t.flag("compress", True)))
        t.done()
    peers = []
    for t in top.tables("peers"):
        peers.append(Peer(
            name=t.req_text("name"),
            party_id=PartyId(t.req_text("party_id"), t.text("party_id_type")),
            endpoint=t.text("endpoint"),
            signing_certificate=t.text("signing_certificate"),
            encryption_certificate=t.text("encryption_certificate"),
            security_profile=_profile(t.text("security_profile"), t.where),
        ))
        t.done()
    pmode = PMode(
        id=pmode_id,
        party=PartyId(party.req_text("id"), party.text("type")),
        initiator_role=roles.req_text("initiator"),
        responder_role=roles.req_text("responder"),
        service=service.req_text("value"),
        service_type=service.text("type"),
        legs=tuple(legs),
        peers=tuple(peers),
        mep=_MEPS[mep_name],
        binding=_BINDINGS[binding_name],
        agreement=agreement.text("value"),
        agreement_type=agreement.text("type"),
        mpc=top.text("mpc", DEFAULT_MPC) or DEFAULT_MPC,
        security=sec,
        reception_awareness=awareness,
        properties=tuple(props),
    )
    for t in (party, roles, service, agreement, security, ra, top):
        t.done()
    return pmode


def _duration(td: timedelta) -> str:
    seconds = td.total_seconds()
    if seconds % 60:
        return f"{seconds:g} s"
    minutes = int(seconds // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)} d"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def render_pmode(pmode: PMode) -> str:
    """A readable summary for operators (``oots-gateway pmode check``)."""
    ra = pmode.reception_awareness
    lines = [
        f"PMode {pmode.id}",
        f"  our party      {pmode.party.value}  (type {pmode.party.type})",
        f"  MEP / binding  {pmode.mep.name} / {pmode.binding.name}",
        f"  roles          {pmode.initiator_role} -> {pmode.responder_role}",
        f"  service        {pmode.service}  (type {pmode.service_type})",
        f"  agreement      {pmode.agreement or '(none)'}",
        f"  MPC            {pmode.mpc}",
        f"  security       {pmode.security.profile.value}; sign={pmode.security.sign} "
        f"encrypt={pmode.security.encrypt} signed receipts={pmode.security.signed_receipts}",
        f"  retry          {ra.domibus_retry}: up to {ra.retries} resends within "
        f"{_duration(ra.timeout)}, then EBMS:0301 MissingReceipt",
        f"  duplicates     detection={ra.duplicate_detection}, "
        f"window {_duration(ra.duplicate_window)}",
        "  legs:",
    ]
    for leg in pmode.legs:
        lines.append(f"    {leg.name:<22} action {leg.action:<22} compress={leg.compress}")
    lines.append("  message properties:")
    for spec in pmode.properties:
        kind = "required" if spec.required else "optional"
        lines.append(f"    {spec.name:<22} {kind}" + (f", type {spec.type}" if spec.type else ""))
    lines.append("  peers:")
    for peer in pmode.peers:
        lines.append(f"    {peer.name:<6} {peer.party_id.value} (type {peer.party_id.type})")
        lines.append(f"           endpoint {peer.endpoint or '(not set)'}; profile "
                     f"{pmode.profile_for(peer).value}")
        lines.append(f"           signing cert {peer.signing_certificate or '(not set)'}; "
                     f"encryption cert {peer.encryption_certificate or '(not set)'}")
    return "\n".join(lines)
