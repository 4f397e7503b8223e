# mypy: disallow-untyped-calls=False
"""Demo of the DE provider direction: NL asks for a German HRB extract with preview.

``python -m mocks.de_registers.demo [--version v2.0|v1.0] [--keep]``

Starts the mock Handelsregister, the mock eID, the DE node with the provider and the NL
mock access point as separate processes (:class:`~mocks.de_registers.world.World`, under
``var/demo-provider/``), then runs one exchange and prints its timeline: the request, the
EDM:ERR:0002 PreviewLocation, the representative's eID login and approval on the preview
pages, the response with the extract and the PAdES PDF (verified with pyHanko), and
whether every EDM message passed the Validator. Exit status 0 when all steps succeeded.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from pyhanko.keys import load_cert_from_pemder

from gateway.evidence.edm import (
    EdmVersion,
    EvidenceErrorResponse,
    EvidenceResponse,
    ExchangeHeader,
    build_request,
    parse_message,
)
from gateway.evidence.edm.v2_rules import register_v2_rules
from gateway.evidence.extract import read_extract
from gateway.evidence.validation import Validator
from gateway.provider.pdf import verify_pades
from gateway.settings import Settings
from mocks.de_registers.browser import decide, login
from mocks.de_registers.scenarios import company_request, second
from mocks.de_registers.world import World
from mocks.pki import ensure_pki

__all__ = ["main"]


class Timeline:
    """Prints ``+seconds  actor  step`` lines."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.ok = True

    def step(self, actor: str, text: str, ok: bool = True) -> None:
        """One line; a failed step marks the run failed."""
        self.ok &= ok
        mark = "" if ok else "  <-- FAILED"
        print(f"+{time.perf_counter() - self.t0:7.3f}s  {actor:<10} {text}{mark}", flush=True)


def _run(world: World, version: EdmVersion, tl: Timeline, validator: Validator) -> None:
    def valid(data: bytes) -> str:
        report = validator.validate(data)
        bad = [f.rule_id for f in report.findings if f.severity.value != "info"
               and not (f.rule_id == "R-EDM-ERR-C022" and version is EdmVersion.V1_0)]
        return "valid" if not bad else f"INVALID {bad}"

    conversation, exchange = str(uuid.uuid4()), str(uuid.uuid4())
    header = ExchangeHeader.for_version(version, conversation_id=conversation,
                                        exchange_id=exchange)
    first = company_request(version, euid="DEK1101R.HRB116737", now=datetime.now(UTC))
    tl.step("NL", f"ExecuteQueryRequest {version.value} for DEK1101R.HRB116737 "
            f"(PossibilityForPreview, {valid(build_request(first))})")
    mid = world.nl_send(first, header)
    got = world.nl_answer(mid)
    if got is None:
        tl.step("NL", "no answer", ok=False)
        return
    error = parse_message(got[1][0][1])
    ok = isinstance(error, EvidenceErrorResponse) and error.exception.preview_location
    assert isinstance(error, EvidenceErrorResponse)
    location = error.exception.preview_location or ""
    tl.step("DE->NL", f"{got[0]['action']} {error.exception.code.value} PreviewLocation "
            f"{location} ({valid(got[1][0][1])})", ok=bool(ok))
    back = f"https://nl-portal.oots.test/return/{uuid.uuid4().hex}"
    mid2 = ""
    if version is EdmVersion.V2_0:
        mid2 = world.nl_send(second(first, location, now=datetime.now(UTC),
                                    return_location=back), header)
        tl.step("NL", "second request, same ExchangeId, PreviewLocation + ReturnLocation "
                "(held by DE until the user decides)")
    with world.browser() as browser:
        target = location if version is EdmVersion.V2_0 else f"{location}?returnurl={back}"
        view = login(browser, target, "DE/NL/PETERSENJANA1979")
        tl.step("browser", "Jana Petersen logged in at the mock eID; preview shows "
                "Beispiel Hafen GmbH", ok="Beispiel Hafen GmbH" in view)
        done = decide(browser, location, view, "approve")
        tl.step("browser", f"approved; redirected {done.status_code} to "
                f"{done.headers.get('location')}", ok=done.headers.get("location") == back)
    if version is EdmVersion.V1_0:
        mid2 = world.nl_send(second(first, location, now=datetime.now(UTC)), header)
        tl.step("NL", "second request with PreviewLocation after the user returned")
    got = world.nl_answer(mid2)
    if got is None:
        tl.step("NL", "no evidence arrived", ok=False)
        return
    entry, parts = got
    response = parse_message(parts[0][1])
    tl.step("DE->NL", f"{entry['action']} with {len(parts) - 1} documents "
            f"({valid(parts[0][1])})", ok=isinstance(response, EvidenceResponse))
    xml = next((d for m, d in parts if m == "application/xml"), b"")
    pdf = next((d for m, d in parts if m == "application/pdf"), b"")
    name = read_extract(xml).company_name if xml else "?"
    verdict = verify_pades(pdf, [load_cert_from_pemder(
        str(world.pki.directory / "test-ca.pem"))]) if pdf else None
    tl.step("NL", f"extract: {name}; PDF {len(pdf)} bytes, PAdES "
            f"{'valid and trusted' if verdict and verdict.ok else 'NOT valid'}",
            ok=bool(verdict and verdict.ok))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; 0 when every step succeeded."""
    parser = argparse.ArgumentParser(prog="python -m mocks.de_registers.demo")
    parser.add_argument("--version", choices=["v1.0", "v2.0"], default="v2.0")
    parser.add_argument("--keep", action="store_true", help="keep var/demo-provider")
    args = parser.parse_args(argv)
    settings = Settings.load()
    version = EdmVersion.V2_0 if args.version == "v2.0" else EdmVersion.V1_0
    root = settings.var_dir / "demo-provider"
    shutil.rmtree(root, ignore_errors=True)
    world = World(root, ensure_pki(settings.pki_dir), settings.shared_dir)
    validator = Validator.from_settings(settings)
    register_v2_rules(validator)
    tl = Timeline()
    try:
        world.start()
        tl.step("setup", "mock register, mock eID, DE node (provider), NL access point up")
        _run(world, version, tl, validator)
    finally:
        world.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("provider demo:", "OK" if tl.ok else "FAILED")
    return 0 if tl.ok else 1


if __name__ == "__main__":
    sys.exit(main())
