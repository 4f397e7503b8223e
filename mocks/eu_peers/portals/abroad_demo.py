"""``python -m mocks.eu_peers.portals.abroad_demo [--keep]``: issue 9 out of Germany.

Starts :class:`~mocks.eu_peers.portals.abroad.world.AbroadWorld` (mock Handelsregister,
mock eID, the DE node with the provider role, NL and AT access points and portals) and, as a
person in a browser without JavaScript would (plain HTTP client), registers the German
"Beispiel Hafen GmbH" at the NL portal (EDM v1.0) and the AT portal (v2.0): register court +
HRB number -> our preview space (mock eID login, approve) -> the foreign form prefilled with
the source of every field. Prints each step and where to open the pages to repeat it by hand
(``--keep`` leaves the processes running until Ctrl-C; the https names need the TLS front
of :mod:`mocks.tls_front`, started with ``--keep`` and printed with Chromium flags).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from gateway.settings import Settings
from mocks.de_registers.browser import decide, login
from mocks.eu_peers.portals.abroad.world import PORTAL_PUBLIC, AbroadWorld
from mocks.pki import ensure_pki
from mocks.tls_front import HostFront

JANA = {"court": "K1101R", "register_type": "HRB", "number": "116737", "given": "Jana",
        "family": "Petersen", "born": "1979-05-02", "person_id": "DE/NL/PETERSENJANA1979"}
_FIELD = re.compile(r'<label for="[^"]+">([^<]+)</label>\s*<input id="[^"]+" name="[^"]+" '
                    r'value="([^"]*)".*?Source: ([^<]*)<', re.S)


def register(world: AbroadWorld, country: str) -> list[tuple[str, str, str]]:
    """One click-through at ``country``'s portal; the prefilled (label, value, source)."""
    portal = PORTAL_PUBLIC[country]
    with world.client() as client:
        sent = client.post(f"{portal}/start", data=JANA)
        if sent.status_code != 303:
            raise RuntimeError(f"{country} portal: {sent.status_code} {sent.text[-400:]}")
        target = sent.headers["location"]
        print(f"  [{country}] request sent over AS4; EDM:ERR:0002 -> browser to {target}")
        view = login(client, target, JANA["person_id"], lang="en")
        print(f"  [{country}] logged in at the mock eID as {JANA['person_id']}")
        done = decide(client, target.split("?")[0], view, "approve", lang="en")
        back = done.headers.get("location", "")
        print(f"  [{country}] approved at our preview space -> back to {back}")
        page = client.get(back)
    fields = [tuple(html.unescape(g) for g in m.groups()) for m in _FIELD.finditer(page.text)]
    if page.status_code != 200 or not fields:
        raise RuntimeError(f"{country} portal form not prefilled:\n{page.text[-800:]}")
    return fields  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    """Run both portals; 0 when both forms came back prefilled."""
    parser = argparse.ArgumentParser(prog="python -m mocks.eu_peers.portals.abroad_demo")
    parser.add_argument("--keep", action="store_true", help="keep running until Ctrl-C")
    args = parser.parse_args(argv)
    settings = Settings.load()
    root = Path(tempfile.mkdtemp(prefix="oots-abroad-"))
    world = AbroadWorld(root, ensure_pki(settings.pki_dir), settings.shared_dir)
    print("== Out of Germany: a German GmbH registers in NL and AT")
    try:
        world.start()
        for country in ("NL", "AT"):
            for label, value, source in register(world, country):
                print(f"  [{country}] {label:20} {value!r:40} <- {source}")
        print("== both foreign forms prefilled from our evidence")
        if not args.keep:
            print("repeat by hand: python -m mocks.eu_peers.portals.abroad_demo --keep "
                  "(prints the NL/AT portal addresses and the Chromium flags to open them)")
        if args.keep:
            front = HostFront(world.hosts(), root / "front")
            front.start()
            print("open in Chromium started with")
            print(f"  --host-resolver-rules='{front.resolver_rules}'")
            print(f"  --ignore-certificate-errors-spki-list={front.pin}")
            for country, url in PORTAL_PUBLIC.items():
                print(f"  {country} portal: {url}/  (court Hamburg, HRB 116737, "
                      f"Jana Petersen 1979-05-02, {JANA['person_id']})")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                front.stop()
    except RuntimeError as exc:
        print(f"FAILED: {exc}\n{world.logs()}", file=sys.stderr)
        return 1
    finally:
        world.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
