"""``python -m mocks.eu_peers.portals.demo [--keep]``: the Gewerbe assistant into Germany.

Starts the world of :mod:`.world` (EB/DSD, NL and AT mock registers, the Gewerbeamt inboxes,
the DE node with the assistant) and registers, as a person in a browser would (plain HTTP
client, no JavaScript), a Dutch BV and an Austrian GmbH in Cottbus: register number ->
preview at the foreign register (mock DigiD / ID Austria login, approve) -> prefilled form ->
four fields -> XGewerbeanzeige acknowledged by the mocked Gewerbeamt. Prints each step, the
provenance of the prefilled fields, the acknowledgement, and where to open the pages to repeat
it by hand (``--keep`` leaves the processes running until Ctrl-C).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from gateway.audit import open_store
from gateway.settings import Settings
from mocks.eu_peers.portals.world import GewerbeWorld, make_tls, start_gewerbe_world
from mocks.eu_peers.processes import ProcessGroup
from mocks.eu_peers.providers.companies import COMPANIES
from mocks.pki import ensure_pki

__all__ = ["main", "register"]

PROJECT = Path(__file__).resolve().parents[3]
CASES = (("NL", "59581883", "59581883"), ("AT", "473888W", "FN 473888w"))


def _follow(client: httpx.Client, response: httpx.Response, until: str,
            timeout: float = 60) -> httpx.Response:
    """Follow redirects and ``<meta refresh>`` as a browser does until ``until`` shows."""
    deadline = time.monotonic() + timeout
    while until not in response.text:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{until} not reached at {response.url}: {response.text[:800]}")
        refresh = re.search(r'http-equiv="refresh" content="\d+;url=([^"]+)"', response.text)
        time.sleep(0.3)
        url = httpx.URL(str(response.url)).join(refresh.group(1).replace("&amp;", "&")) \
            if refresh else response.url
        response = client.get(url)
    return response


def _form_action(page: httpx.Response, pattern: str) -> str:
    match = re.search(rf'action="([^"]*{pattern}[^"]*)"', page.text)
    if match is None:
        raise RuntimeError(f"no form {pattern} on {page.url}")
    return str(httpx.URL(str(page.url)).join(match.group(1).replace("&amp;", "&")))


def register(world: GewerbeWorld, country: str, number: str, typed: str) -> dict[str, str]:
    """One registration into DE as a person clicks it; what the pages showed."""
    company = next(c for c in COMPANIES if c.country == country and c.number == number)
    rep = company.representatives[0]
    with httpx.Client(verify=world.tls.context, follow_redirects=True, timeout=30) as b:
        page = b.post(f"{world.de}/gewerbe/start?lang=de", data={"number": typed,
                                                                 "country": country})
        page = _follow(b, page, 'id="given_name"')
        print(f"  {country}: preview at the register {str(page.url).split('?')[0]}")
        page = b.post(_form_action(page, "/login"), data={
            "given_name": rep.given_name, "family_name": rep.family_name,
            "birth_date": rep.birth_date.isoformat()})
        page = b.post(_form_action(page, "/decision"), data={"decision": "approve"})
        page = _follow(b, page, 'id="activity"')
        rows = re.findall(r'<tr id="row-([a-z_]+)"><th scope="row">[^<]*</th><td>([^<]*)</td>'
                          r'\s*<td><small class="src" data-register="([^"]+)" '
                          r'data-evidence="([^"]+)"', page.text)
        for name, value, source, evidence in rows:
            value = html.unescape(value)
            print(f"  {country}: prefilled {name:<18} {value[:48]:<48} <- {source} {evidence}")
        done = b.post(_form_action(page, "/submit"), data={
            "activity": "Großhandel mit Büromaterial", "start_date": "2027-02-01",
            "address": "Spremberger Str. 90, 03046", "ags": "12052000", "kind": "other",
            "full_time_employees": "2", "part_time_employees": "0"})
        record = re.search(r'id="record">([^<]+)<', done.text)
        digest = re.search(r'id="digest"><code>([^<]+)<', done.text)
        if record is None or digest is None:
            raise RuntimeError(f"no acknowledgement: {done.text[:800]}")
        resume = re.search(r'id="resume">([^<]+)<', page.text)
    ack = next(r for r in httpx.get(f"{world.amt}/gewerbeamt/12052000/inbox", timeout=10).json()
               if r["record_uuid"] == record.group(1))
    if ack["digest"] != digest.group(1):
        raise RuntimeError("the inbox holds other bytes than the page acknowledged")
    print(f"  {country}: XGewerbeanzeige {ack['record_uuid']} received by {ack['gewerbeamt']} "
          f"({ack['schema']} schema), {ack['digest'][:23]}...")
    return {"record": record.group(1), "digest": digest.group(1),
            "resume": resume.group(1) if resume else ""}


def _logged(root: Path, digest: str) -> None:
    """The exchange log holds the notification-sent entry linking digest and evidence."""
    store = open_store(Settings.load(config_file=root / "gateway.toml", environ={}))
    try:
        entries = [json.loads(e) for e in store.entries(0, store.size())]
    finally:
        store.close()
    entry = next((e for e in entries if e.get("event") == "notification-sent"
                  and e.get("wire_sha256") == digest.removeprefix("sha256:")), None)
    if entry is None:
        raise RuntimeError(f"no notification-sent log entry for {digest}")
    print(f"  exchange log: notification-sent {digest[:23]}... linked to conversation "
          f"{entry.get('conversation_id')} (evidence request {entry.get('query_id')})")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; 0 when both registrations were acknowledged."""
    parser = argparse.ArgumentParser(prog="python -m mocks.eu_peers.portals.demo")
    parser.add_argument("--keep", action="store_true", help="keep the processes running")
    args = parser.parse_args(argv)
    settings = Settings.load(environ={})
    root = Path(tempfile.mkdtemp(prefix="gewerbe-demo-"))
    pki = ensure_pki(settings.pki_dir)
    group = ProcessGroup(cwd=PROJECT, logs=root / "logs")
    with group:
        try:
            world = start_gewerbe_world(group, root, settings, pki, make_tls(root / "tls"))
            print("Gewerbe assistant, into Germany (issue 9):")
            for country, number, typed in CASES:
                done = register(world, country, number, typed)
                _logged(root, done["digest"])
        except (RuntimeError, httpx.HTTPError) as exc:
            print(f"GEWERBE DEMO FAILED: {exc}\nprocess logs: {root / 'logs'}")
            return 1
        print("repeat by hand" + ("" if args.keep else " (run with --keep: the processes stop "
                                   "when the demo ends)") + f"; loopback CA {world.tls.ca}:")
        print(f"  start page      {world.de}/gewerbe/   (NL: 59581883, 69599084; "
              "AT: FN 473888w, FN 98765b)")
        print("  mock login      name and birth date of the representative "
              "(mocks/eu_peers/providers/companies.py, e.g. Anna de Vries 1978-05-12)")
        print(f"  Gewerbeamt      {world.amt}/gewerbeamt/12052000/inbox")
        print("out of Germany (a German company at the NL/AT portals): "
              "python -m mocks.eu_peers.portals.abroad_demo [--keep]")
        if args.keep:
            print("processes keep running; Ctrl-C stops them")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
