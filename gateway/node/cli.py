"""``oots-gateway trust list``: whom the node trusts, and with which of its own keys.

Reads the ``[node]`` wiring (``docs/node.md``): the trust configuration's anchors and
revoked serials, every PMode peer with the certificates the node expects it to sign
with and encrypts for, and our own certificates per security profile. Each
certificate line shows subject, issuer, serial, validity (and whether it is valid
now) and the SHA-256 fingerprint. ``--format json`` for scripts. (PModes themselves:
``oots-gateway pmode check FILE``.)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from gateway.node.config import load_node_config
from gateway.settings import Settings

__all__ = ["certificate_info", "register"]


def register(sub: Any) -> None:
    """Add ``trust list`` to ``sub`` (an argparse sub-parsers action)."""
    trust = sub.add_parser("trust", help="trust anchors, peer and own certificates of the node")
    tsub = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    ls = tsub.add_parser("list", help="list what the node trusts and its own certificates")
    ls.add_argument("--format", choices=["table", "json"], default="table")
    ls.set_defaults(func=_list)


def certificate_info(cert: x509.Certificate, now: datetime) -> dict[str, Any]:
    """The readable facts of one certificate."""
    valid = cert.not_valid_before_utc <= now <= cert.not_valid_after_utc
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "serial": f"{cert.serial_number:x}",
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "valid_now": valid,
        "sha256": cert.fingerprint(hashes.SHA256()).hex(),
    }


def _collect(settings: Settings, now: datetime) -> dict[str, Any]:
    config = load_node_config(settings)
    trust = config.trust_config
    doc: dict[str, Any] = {
        "party_id": config.party_id,
        "anchors": [certificate_info(c, now) for c in (trust.anchors if trust else ())],
        "revoked_serials": sorted(f"{s:x}" for s in (trust.revoked_serials if trust else ())),
        "peers": [],
        "own": [],
    }
    for pmode in config.pmodes:
        for peer in pmode.peers:
            keys = config.peer_keys[peer.name]
            doc["peers"].append({
                "pmode": pmode.id, "name": peer.name, "party_id": peer.party_id.value,
                "profile": pmode.profile_for(peer).value, "endpoint": peer.endpoint,
                "signing": [certificate_info(c, now) for c in keys.signing],
                "encryption": certificate_info(keys.encryption, now) if keys.encryption else None,
            })
    for profile, identity in config.identities.items():
        doc["own"].append({
            "profile": profile.value,
            "signing": certificate_info(identity.signing.certificate, now),
            "decryption": certificate_info(identity.decryption.certificate, now),
        })
    return doc


def _line(role: str, info: dict[str, Any] | None) -> str:
    if info is None:
        return f"    {role:<11} (none)"
    state = "valid" if info["valid_now"] else "NOT VALID NOW"
    return (f"    {role:<11} {info['subject']}  serial {info['serial']}  until "
            f"{info['not_after'][:10]} ({state})\n"
            f"    {'':<11} issuer {info['issuer']}  sha256 {info['sha256'][:32]}...")


def _list(args: argparse.Namespace, settings: Settings) -> int:
    doc = _collect(settings, datetime.now(UTC))
    if args.format == "json":
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = [f"node {doc['party_id']}", "trust anchors:"]
    out += [_line("anchor", a) for a in doc["anchors"]]
    out.append(f"revoked serials: {', '.join(doc['revoked_serials']) or '(none)'}")
    out.append("peers:")
    for peer in doc["peers"]:
        out.append(f"  {peer['name']} {peer['party_id']}  PMode {peer['pmode']}  "
                   f"{peer['profile']}  endpoint {peer['endpoint'] or '(not set)'}")
        out += [_line("signing", c) for c in peer["signing"]]
        out.append(_line("encryption", peer["encryption"]))
    out.append("own certificates:")
    for own in doc["own"]:
        out.append(f"  {own['profile']}")
        out.append(_line("signing", own["signing"]))
        out.append(_line("decryption", own["decryption"]))
    sys.stdout.write("\n".join(out) + "\n")
    return 0
