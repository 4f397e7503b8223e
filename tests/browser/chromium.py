"""Debian's headless Chromium driven by Playwright, and the screenshots kept as artefacts.

Playwright for Python talks the DevTools protocol to ``/usr/bin/chromium`` (no Playwright
browser download); each test gets a fresh browser context (cookies, storage) with
JavaScript switched off, because the preview pages must work without it.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright
from playwright.sync_api import Error as PlaywrightError

PROJECT = Path(__file__).resolve().parents[2]
ARTEFACTS = PROJECT / "tests" / "artifacts" / "browser"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Root on a machine without a screen; without the background-networking flags Chromium's
connections are refused by a closed network."""

SAVED: list[Path] = []
"""Every screenshot folder written in this session (printed in the terminal summary)."""


def launch(playwright: Playwright, executable: str, *, resolver_rules: str = "",
           pins: tuple[str, ...] = ()) -> Browser:
    """Start Chromium (Playwright gives it a fresh ``--user-data-dir``); ``resolver_rules``
    map test host names to loopback, ``pins`` are the only server keys accepted besides
    publicly trusted ones."""
    args = list(FLAGS)
    if resolver_rules:
        args.append(f"--host-resolver-rules={resolver_rules}")
    if pins:
        args.append(f"--ignore-certificate-errors-spki-list={','.join(pins)}")
    return playwright.chromium.launch(executable_path=executable, headless=True, args=args)


class Shots:
    """Numbered full-page screenshots ``tests/artifacts/browser/<test>/NN-step.png``, and
    the test's browser contexts (closed by :meth:`close`, after a last picture of a
    failing test's page)."""

    def __init__(self, test_name: str) -> None:
        """Empty the test's folder (no stale pictures of an earlier run)."""
        self.folder = ARTEFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.taken: list[Path] = []
        self._contexts: list[BrowserContext] = []
        self._last: Page | None = None
        SAVED.append(self.folder)

    def new_page(self, browser: Browser, *, locale: str) -> Page:
        """A page in a fresh context (own cookies) with JavaScript off."""
        context = browser.new_context(java_script_enabled=False, locale=locale)
        self._contexts.append(context)
        self._last = context.new_page()
        return self._last

    def __call__(self, page: Page, step: str) -> Path:
        """Save the page as the next numbered step."""
        self._last = page
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path

    def close(self, *, failed: bool) -> None:
        """Picture the last page of a failed test (``NN-failure.png``); close the contexts."""
        if failed and self._last is not None and not self._last.is_closed():
            try:
                self(self._last, "failure")
            except PlaywrightError:
                pass
        for context in self._contexts:
            context.close()


def tab_to(page: Page, selector: str, *, limit: int = 40) -> int:
    """Press Tab until the element matching ``selector`` has the keyboard focus; the
    number of presses."""
    target = page.locator(selector)
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return presses
    raise AssertionError(f"{selector} not reachable with Tab in {limit} presses on {page.url}")


def reload_until(page: Page, selector: str, *, timeout: float = 45.0) -> None:
    """Reload ``page`` (as a person pressing F5 would) until ``selector`` is on it."""
    deadline = time.monotonic() + timeout
    while page.locator(selector).count() == 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"{selector} not on {page.url} after {timeout:.0f} s:\n"
                                 f"{page.content()[:2000]}")
        time.sleep(0.3)
        page.reload()
