"""The requester demo: the WSP asks for Dutch and Austrian register evidence, end to end.

``python -m mocks.wsp.demo`` starts (separate processes, loopback, :mod:`mocks.wsp.world`)
the mock EB/DSD, the NL and AT providers, the gateway with its portal API and the WSP
stand-in, then plays the user: start in the WSP, the provider asks for a preview, log in
at the NL / AT preview page as the company's representative, approve, back to the WSP,
evidence delivered. It prints the timeline of each exchange, judges every EDM message
the provider received or sent (XSD + Schematron / v2.0 checks) and stops everything.
Exit code 0 only when both exchanges delivered valid evidence.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from gateway.evidence.validator_factory import build_validator
from gateway.settings import Settings, project_root
from mocks.eu_peers.processes import ProcessGroup
from mocks.eu_peers.providers.companies import COMPANIES
from mocks.pki import ensure_pki
from mocks.wsp.world import TOKEN, World, make_tls, start_world

_EDM = "application/x-ebrs+xml"
_CASES = (("NL", "59581883"), ("AT", "473888W"))


def _poll(world: World, cid: str, states: set[str], say: Any) -> dict[str, Any]:
    seen = None
    with httpx.Client(base_url=f"{world.de}/portal/v1", timeout=60,
                      headers={"Authorization": f"Bearer {TOKEN}"}) as api:
        for _ in range(600):
            doc: dict[str, Any] = api.get(f"/evidence-requests/{cid}").json()
            if doc["state"] != seen:
                seen = doc["state"]
                say(f"  portal API: state {seen}")
            if doc["state"] in states:
                return doc
            time.sleep(0.1)
    raise RuntimeError(f"request {cid} stuck in {seen}")


def _exchange(world: World, country: str, number: str, validator: Any, say: Any) -> bool:
    company = next(c for c in COMPANIES if c.country == country and c.number == number)
    rep = company.representatives[0]
    say(f"WSP -> {country}: {company.name} ({company.euid})")
    with httpx.Client(verify=world.tls.context, follow_redirects=True, timeout=30) as b:
        page = b.post(f"{world.wsp}/start", data={
            "country": country, "procedure": "X1", "legal_name": company.name,
            "national_id": company.number, "euid": company.euid, "preview": "1"})
        local = str(page.url).rsplit("/", 1)[-1]
        cid = b.get(f"{world.wsp}/control/requests/{local}").json()["id"]
        doc = _poll(world, cid, {"preview-required", "failed"}, say)
        if doc["state"] != "preview-required":
            say(f"  FAILED: {doc['error']}")
            return False
        say(f"  user -> preview at {doc['preview_url'][:90]}...")
        page = b.get(doc["preview_url"])
        base = re.match(r"https://[^/]+", doc["preview_url"])
        action = re.search(r'action="([^"]+/login)"', page.text)
        assert base and action
        page = b.post(base.group(0) + action.group(1), data={
            "given_name": rep.given_name, "family_name": rep.family_name,
            "birth_date": rep.birth_date.isoformat()})
        say(f"  user logged in as {rep.given_name} {rep.family_name} ({rep.role}), approves")
        decision = re.search(r'action="([^"]+/decision)"', page.text)
        assert decision
        back = b.post(base.group(0) + decision.group(1), data={"decision": "approve"})
        for _ in range(100):  # the provider's waiting page refreshes until it may redirect
            if not str(back.url).endswith("/done"):
                break
            time.sleep(0.1)
            back = b.get(str(back.url))
        say(f"  user back at the WSP: {back.url}")
        doc = _poll(world, cid, {"delivered", "failed"}, say)
    ok = doc["state"] == "delivered"
    say(f"timeline of the gateway's request {cid}:")
    for event in doc["timeline"]:
        say(f"  {event['at'][11:23]}  {event['event']}")
    peer = world.nl if country == "NL" else world.at
    conversation = None
    for entry in httpx.get(f"{peer}/control/journal", verify=world.tls.context).json():
        if entry["direction"] == "in" and conversation is None:
            conversation = entry["conversation_id"]
        if entry["conversation_id"] != conversation:
            continue
        for part in entry["payloads"]:
            if part["mime_type"] != _EDM:
                continue
            data = httpx.get(f"{peer}/control/payload/{part['file']}",
                             verify=world.tls.context).content
            report = validator.validate(data)
            c022 = report.failing_rule_ids == ("R-EDM-ERR-C022",)  # known defect 101
            verdict = "valid" if report.valid else (
                "valid except the official C022 defect" if c022 else
                f"INVALID {report.failing_rule_ids}")
            ok = ok and bool(report.valid or c022)
            rules = " + ".join(report.rule_sets) or "RegRep 4.0 XSD + project v2.0 checks"
            say(f"  {country} {entry['direction']:3} {entry['action']:21} {report.kind.value} "
                f"{report.version}: {verdict} ({rules})")
    for d in doc["documents"]:
        say(f"  delivered: {d['title']} {d['mime_type']} {d['size']} bytes sha256 "
            f"{d['sha256'][:16]}...")
    return bool(ok)


def main() -> int:
    """Run the demo; 0 when both exchanges delivered valid evidence."""
    started = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - started:7.2f}s] {text}", flush=True)

    settings = Settings.load()
    project = project_root() or Path.cwd()
    root = settings.var_dir / "demo-requester"
    if root.exists():
        shutil.rmtree(root)
    pki = ensure_pki(settings.pki_dir)
    validator = build_validator(settings)
    ok = True
    with ProcessGroup(cwd=project, logs=root / "logs") as group:
        world = start_world(group, root, settings, pki, make_tls(root / "tls"))
        say(f"started: EB/DSD {world.cs}, NL {world.nl}, AT {world.at}, gateway {world.de}, "
            f"WSP {world.wsp}")
        for country, number in _CASES:
            ok = _exchange(world, country, number, validator, say) and ok
        hooks = httpx.get(f"{world.wsp}/control/webhooks", verify=world.tls.context).json()
        say(f"webhooks received by the WSP: {len(hooks)}, all signatures verified: "
            f"{all(h['verified'] for h in hooks)}")
        ok = ok and bool(hooks) and all(h["verified"] for h in hooks)
    say("requester demo " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
