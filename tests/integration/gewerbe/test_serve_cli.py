"""``oots-gateway serve`` with a ``[gewerbe]`` section serves the assistant's pages next to
the AS4 endpoint and the preview space (a separate process, real HTTP)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.audit._keys import generate_keys
from gateway.settings import Settings
from mocks.eu_peers.portals.world import make_tls, write_gewerbe_config
from mocks.eu_peers.processes import ProcessGroup, Spawned, free_port
from mocks.pki import ensure_pki

PROJECT = Path(__file__).resolve().parents[3]


def _get(url: str, proc: Spawned, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered:\n{proc.tail()}")


@pytest.mark.timeout(120)
def test_serve_with_a_gewerbe_section_serves_the_assistant(tmp_path: Path,
                                                          settings: Settings) -> None:
    pki = ensure_pki(settings.pki_dir)
    tls = make_tls(tmp_path / "tls")
    ports = {name: free_port() for name in ("cs", "nl", "at", "amt", "de", "de_tls")}
    config = write_gewerbe_config(tmp_path, settings, pki, tls, ports,
                                  f"https://127.0.0.1:{ports['de_tls']}")
    generate_keys(Settings.load(config_file=config, environ={}))
    cli = str(Path(sys.executable).with_name("oots-gateway"))
    base = f"http://127.0.0.1:{ports['de']}"
    with ProcessGroup(cwd=PROJECT, logs=tmp_path / "logs") as group:
        proc = group.start("de", [cli, "--config", str(config), "serve", "--host",
                                  "127.0.0.1", "--port", str(ports["de"])])
        assert _get(f"{base}/healthz", proc).status_code == 200
        page = httpx.get(f"{base}/gewerbe/", timeout=5)
        assert page.status_code == 200, page.text
        assert "text/html" in page.headers["content-type"]
        assert 'action="/gewerbe/start' in page.text and 'name="number"' in page.text
        bad = httpx.post(f"{base}/gewerbe/start", data={"country": "NL", "number": "12"},
                         timeout=5)
        assert bad.status_code == 422, bad.text  # the assistant's own check: KVK has 8 digits
        assert 'role="alert"' in bad.text
        no_provider = httpx.get(f"{base}/preview/unknown", timeout=5)  # no [provider] here
        assert no_provider.status_code == 404, no_provider.text
        assert "no evidence provider" in no_provider.text
