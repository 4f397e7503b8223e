"""A person in the browser whose every click, choice and typed field is counted."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

WAIT_MS = 60_000


@dataclass
class Person:
    """Wraps a page; :attr:`interactions` lists what the person did (navigation by the
    pages themselves, e.g. redirects and ``<meta refresh>``, is not counted)."""

    page: Page
    interactions: list[str] = field(default_factory=list)

    def type(self, selector: str, text: str) -> None:
        """Type ``text`` into one field (one interaction)."""
        self.page.fill(selector, text)
        self.interactions.append(f"type {selector}")

    def choose(self, selector: str, value: str) -> None:
        """Pick one option of a select (one interaction)."""
        self.page.select_option(selector, value)
        self.interactions.append(f"choose {selector}")

    def click(self, selector: str) -> None:
        """Click a button or link (one interaction)."""
        self.page.click(selector)
        self.interactions.append(f"click {selector}")

    def wait(self, selector: str, timeout: float = WAIT_MS) -> None:
        """Wait until ``selector`` is on the page (the person waits, nothing counted)."""
        try:
            self.page.wait_for_selector(selector, timeout=timeout)
        except PlaywrightError as exc:
            raise AssertionError(f"{selector} not on {self.page.url}:\n"
                                 f"{self.page.inner_text('body')[:1500]}") from exc
