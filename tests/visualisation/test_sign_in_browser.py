"""Signing in with a real OpenID Connect provider in a real browser, then searching and trying to write.

The app requires sign-in for reads; chromium follows the redirect to mock-oauth2-server's
login page on 127.0.0.1, signs in as a planner in the readers group, searches, and is
refused when it sends the intake form, which needs the propose role.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from api.settings import Settings
from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType
from tests.conftest import oidc_settings
from tests.oidc_local import LocalOidc
from tests.visualisation.conftest import LiveServer, live
from visualisation.i18n import Texts

pytestmark = pytest.mark.browser

PROBLEM_NB = "Mange elever slutter i videregående skole etter overgangen fra ungdomsskolen"
NEED_NB = "Rådgiverne trenger oversikt over elever som står i fare for å slutte"
TEXTS = Texts("nb")


@pytest.fixture
def store_copy(sample_store: Path, tmp_path: Path) -> Path:
    """A copy of the sample store this test may write to."""
    copy = tmp_path / "store.db"
    shutil.copyfile(sample_store, copy)
    return copy


@pytest.fixture
def page(browser: Browser, oidc_provider: LocalOidc) -> Iterator[Page]:
    """A page whose requests may not leave 127.0.0.1; only the provider's own login page asks to (for a web font).

    Our pages must run without script errors or CSP violations.
    """
    blocked: list[tuple[str, str]] = []
    errors: list[str] = []
    context = browser.new_context(locale="nb-NO")

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append((route.request.url, route.request.frame.url))
            route.abort()

    context.route("**/*", only_loopback)
    opened = context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: errors.append(message.text) if "Content Security" in message.text else None)
    opened.set_default_timeout(30_000)
    yield opened
    context.close()
    assert not errors, errors
    assert all(frame.startswith(oidc_provider.url) for _, frame in blocked), blocked


@pytest.fixture
def signed_in_server(store_copy: Path, oidc_provider: LocalOidc) -> Iterator[LiveServer]:
    """The app over the copy, reads only for signed-in people, signing in with the test provider."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        store=str(store_copy),
        require_key_for_reads=True,
        oidc=oidc_settings(oidc_provider.issuer),
    )
    with live(settings) as running:
        yield running


def _sign_in(page: Page, server: LiveServer, oidc: LocalOidc, person: str, groups: list[str]) -> None:
    page.goto(f"{server.url}/?lang=nb")
    assert page.url.startswith(f"{oidc.issuer}/authorize"), page.url
    page.fill("input[name=username]", person)
    page.fill("textarea[name=claims]", json.dumps({"groups": groups, "preferred_username": person}))
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/?lang=nb")


def test_planner_signs_in_searches_and_is_refused_a_write_without_the_role(
    page: Page, signed_in_server: LiveServer, oidc_provider: LocalOidc, store_copy: Path
) -> None:
    _sign_in(page, signed_in_server, oidc_provider, "planlegger@kommune.example", ["behovsgraf-readers"])
    expect(page.locator(".account__name")).to_have_text(
        TEXTS.format("account.signed_in_as", person="planlegger@kommune.example")
    )
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies["behovsgraf_session"]
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Lax"

    page.fill("#q", PROBLEM_NB)
    page.click(".search-form button[type=submit]")
    expect(page.locator(".results-count")).to_be_visible()
    assert page.locator("ol.results > li, .results li").count() > 0

    page.click(f"text={TEXTS['nav.intake']}")
    page.fill("#need-text", NEED_NB)
    with page.expect_response(lambda response: response.url.startswith(f"{signed_in_server.url}/needs")) as sent:
        page.click("form.panel button[type=submit]")
    assert sent.value.status == 403
    expect(page.locator("h1")).to_have_text(TEXTS["intake.refused.title"])
    with EmbeddedStore(store_copy) as store:
        assert not [need for need in store.find(NodeType.NEED) if need.props.get("text") == NEED_NB]


def _serious_violations(browser: Browser, signed_in: Page, axe_script: Path) -> list[str]:
    """axe-core's serious violations on the signed-in page's URL (in a context that lets axe's script run)."""
    context = browser.new_context(locale="nb-NO", bypass_csp=True)
    context.add_cookies(signed_in.context.cookies())  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(signed_in.url)
    page.add_script_tag(path=str(axe_script))
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_proposer_stores_a_need_under_their_name(
    page: Page,
    browser: Browser,
    signed_in_server: LiveServer,
    oidc_provider: LocalOidc,
    store_copy: Path,
    axe_script: Path,
) -> None:
    _sign_in(page, signed_in_server, oidc_provider, "radgiver@fylke.example", ["behovsgraf-intake"])
    page.click(f"text={TEXTS['nav.intake']}")
    page.wait_for_url(f"{signed_in_server.url}/needs/new**")
    assert not _serious_violations(browser, page, axe_script), "the intake form and signed-in header are accessible"
    page.fill("#need-text", NEED_NB)
    page.click("form.panel button[type=submit]")
    expect(page.locator(".notice")).to_have_text(TEXTS["intake.stored"])
    with EmbeddedStore(store_copy) as store:
        stored = [need for need in store.find(NodeType.NEED) if need.props.get("text") == NEED_NB]
    assert [need.props["proposed_by"] for need in stored] == ["person:radgiver@fylke.example"]

    page.click(".account__sign-out button")
    page.wait_for_url(f"{signed_in_server.url}/signed-out")
    expect(page.locator("h1")).to_have_text(TEXTS["signed_out.title"])
    page.goto(f"{signed_in_server.url}/?lang=nb")
    assert page.url.startswith(f"{oidc_provider.issuer}/authorize"), "signed out, the start page asks to sign in"
