"""The pages in all five interface languages, in chromium, on a 375 px wide phone screen."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page

from tests.visualisation.conftest import LiveServer, Visit, only_loopback
from visualisation.i18n import UI_LANGUAGES, Texts

pytestmark = pytest.mark.browser

PROBLEM = "Elever slutter på videregående skole"
CASE = "no-grunerlokka-overgangstjenesten"
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60))"""


@pytest.mark.parametrize("lang", UI_LANGUAGES)
@pytest.mark.parametrize(
    "path", ["/?" + urlencode({"q": PROBLEM}), f"/cases/{CASE}", "/network?" + urlencode({"q": PROBLEM})]
)
def test_every_page_speaks_its_language_and_fits_a_375_px_screen(
    page: Page, server: LiveServer, screenshots: Path, lang: str, path: str
) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    response = page.goto(f"{server.url}{path}&lang={lang}" if "?" in path else f"{server.url}{path}?lang={lang}")
    assert response is not None and response.ok
    texts = Texts(lang)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("nav.site-nav").get_by_role("link", name=texts["nav.search"]).count() == 1
    current = page.locator(".language-nav [aria-current=true]")
    assert current.get_attribute("lang") == lang and current.inner_text() == texts[f"language.{lang}"]
    assert page.evaluate(_OVERFLOW) <= 0, f"{path} in {lang} is wider than the screen: {page.evaluate(_WIDE)}"
    if path.startswith("/?"):
        assert page.get_by_role("heading", level=1).inner_text() == texts["search.title"]
        page.screenshot(path=str(screenshots / f"planner-375-{lang}.png"), full_page=True)


@pytest.mark.parametrize(("locale", "lang"), [("da-DK", "da"), ("nn-NO", "nn"), ("no", "nb"), ("sv-FI", "sv")])
def test_the_browser_language_chooses_the_page_language(
    browser: Browser, server: LiveServer, visit: Visit, locale: str, lang: str
) -> None:
    context = browser.new_context(locale=locale)
    context.route("**/*", only_loopback(visit))
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.get_by_role("heading", level=1).inner_text() == Texts(lang)["search.title"]
    finally:
        context.close()
    assert visit.blocked == []


def test_the_language_switch_offers_all_five_and_keeps_the_search(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/?" + urlencode({"q": PROBLEM, "lang": "sv"}))
    links = page.locator(".language-nav a")
    assert [links.nth(i).get_attribute("lang") for i in range(links.count())] == list(UI_LANGUAGES)
    with page.expect_navigation():
        page.locator('.language-nav a[lang="da"]').click()
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("textarea#q").input_value() == PROBLEM
