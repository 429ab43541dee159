"""Screenshots of the page a journey is on, at the phone's and the desktop's size, for a
person to look at: each size opened again in a second tab of the same sign-in, so the page
under test is left as it is (after a full-page screenshot of it, Chromium's mouse clicks on
it missed)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tests.e2e.conftest import DESKTOP, PHONE


def both_sizes(session, shots: Path, name: str, *, english: Iterable[str] = ()) -> None:
    """Check that neither size scrolls sideways nor shows any of the `english` words in the
    page's main part, and save `<name>-phone.png` and `<name>-desktop.png` under shots."""
    shots.mkdir(parents=True, exist_ok=True)
    page = session.page
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        other = page.context.new_page()
        try:
            # Headless Chromium does not paint a tab in the background: a screenshot of one
            # can fail ("Unable to capture screenshot"). The tab shown is the one captured.
            other.bring_to_front()
            other.set_viewport_size(size)
            other.goto(page.url)
            scroll = other.evaluate("document.documentElement.scrollWidth")
            assert scroll <= size["width"], f"{page.url}: {scroll}px wide at {label} size"
            words = tuple(english)
            if words:
                text = other.inner_text("main")
                for word in words:
                    assert word not in text, f"{page.url}: '{word}' shown untranslated"
            other.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
        finally:
            other.close()
            page.bring_to_front()
