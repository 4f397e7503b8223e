"""Files of the demo, written fresh under ``var/demo/`` on every run (git-ignored).

* ``gateway.toml``: the DE node's configuration (embedded defaults: SQLite under
  ``var/demo/de``, local processes), ``[node]`` wiring with the test PKI's ``de-gw`` keys
  and ``trust/test-pki.toml``, ``[common_services]`` anchored at the mock EC root;
* ``pmode-de.toml``: the example PMode (``docs/examples/pmode-oots.toml``) with the
  loopback endpoints of the NL and AT mocks and the test PKI's certificates;
* ``de/``, ``nl/``, ``at/``: the node's var directory (``de/schemas`` links to the installed
  schema kits) and the mocks' journals; ``logs/``.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from gateway.ebms import load_pmode
from gateway.errors import ConfigurationError
from gateway.settings import Settings
from mocks.pki import TestPki

__all__ = ["DemoLayout", "write_demo_files"]


@dataclass(frozen=True, slots=True)
class DemoLayout:
    """Where the demo's files are and which loopback ports its processes use."""

    root: Path
    project: Path
    ports: dict[str, int]
    """``DE``, ``NL``, ``AT``, ``CS`` -> TCP port on 127.0.0.1."""

    @property
    def config(self) -> Path:
        """The DE node's configuration file."""
        return self.root / "gateway.toml"

    @property
    def pmode(self) -> Path:
        """The DE node's PMode."""
        return self.root / "pmode-de.toml"

    @property
    def de_var(self) -> Path:
        """The DE node's var directory (SQLite database, exchange-log keys, deliveries)."""
        return self.root / "de"

    @property
    def logs(self) -> Path:
        """Process logs."""
        return self.root / "logs"

    def url(self, who: str) -> str:
        """Base URL of ``who`` (``DE``, ``NL``, ``AT``, ``CS``)."""
        return f"http://127.0.0.1:{self.ports[who]}"

    def journal(self, country: str) -> Path:
        """Journal directory of a mock AP."""
        return self.root / country.lower()


def _de_pmode(layout: DemoLayout, pki: TestPki) -> str:
    """The example PMode, re-pointed: loopback endpoints, test-PKI certificates, and a
    short retry schedule (resends after 20, 40, 60 s) so that a lost receipt shows up."""
    example = layout.project / "docs" / "examples" / "pmode-oots.toml"
    text = example.read_text(encoding="utf-8")
    for host, country in (("as4.nl-oots.example", "NL"), ("as4.at-oots.example", "AT")):
        text = text.replace(f"https://{host}/domibus/services/msh", f"{layout.url(country)}/as4")
    text = re.sub(r'"\.\./\.\./var/pki/([a-z0-9.-]+\.pem)"',
                  lambda m: f'"{pki.directory / m.group(1)}"', text)
    text = re.sub(r'^retry = "[^"]*"', 'retry = "1;3;CONSTANT"', text, flags=re.MULTILINE)
    pmode = load_pmode(text, source="demo PMode")
    endpoints = {p.name: p.endpoint for p in pmode.peers}
    if endpoints != {c: f"{layout.url(c)}/as4" for c in ("NL", "AT")}:
        raise ConfigurationError(f"the example PMode changed shape: endpoints {endpoints}")
    return ("# Written by mocks/demo.py from docs/examples/pmode-oots.toml (loopback "
            "endpoints, test PKI).\n" + text)


def write_demo_files(root: Path, *, project: Path, settings: Settings, pki: TestPki,
                     ports: dict[str, int]) -> DemoLayout:
    """Recreate ``root`` with the demo's configuration and PMode."""
    if root.exists():
        shutil.rmtree(root)
    layout = DemoLayout(root=root, project=project, ports=dict(ports))
    for folder in (layout.de_var, layout.logs, layout.journal("NL"), layout.journal("AT")):
        folder.mkdir(parents=True, exist_ok=True)
    layout.pmode.write_text(_de_pmode(layout, pki), encoding="utf-8")
    # the node reuses the installed schema kits (its /readyz checks them)
    if settings.schemas_dir.is_dir():
        (layout.de_var / "schemas").symlink_to(settings.schemas_dir.resolve(),
                                               target_is_directory=True)
    layout.config.write_text(f"""# The DE node of the demo (mocks/demo.py; test keys only).
var_dir = "{layout.de_var}"
shared_dir = "{settings.shared_dir}"
party_id = "DE-OOTS-GW"
http_host = "127.0.0.1"
http_port = {ports["DE"]}

[node]
pmodes = ["{layout.pmode}"]
trust = "{project / 'trust' / 'test-pki.toml'}"
trust_dir = "{pki.directory}"
keys_from_pki = "de-gw"
receipt_domain = "de.oots"
application = "mocks.eu_peers.demo_application:factory"
poll_seconds = 0.1
send_timeout_seconds = 10

[common_services]
trust_anchors = ["{pki.path('ec-root-ca')}"]
""", encoding="utf-8")
    return layout
