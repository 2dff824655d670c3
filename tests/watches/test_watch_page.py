"""The planner page's watch button: sign-in first, the session's CSRF token, the feed address shown once."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from api.settings import Settings
from api.watches.store import WatchStore
from tests.api.conftest import Api, make_settings, serve  # noqa: F401  (a fixture)
from tests.api.signing_in import sign_in
from tests.conftest import oidc_settings
from tests.oidc_local import LocalOidc

PROBLEM = "Elever hoppar av gymnasiet efter första året"


@pytest.fixture
def watches(tmp_path: Path) -> Path:
    return tmp_path / "watches.db"


@pytest.fixture
def app(samples: Path, watches: Path, oidc_provider: LocalOidc, serve: Callable[[Settings], Api]) -> Api:
    return serve(make_settings(samples, oidc=oidc_settings(oidc_provider.issuer), watch_store=str(watches)))


def _planner(app: Api, session: str | None) -> str:
    headers = {"Cookie": f"behovsgraf_session={session}"} if session else {}
    page = app.client.get(f"{app.url}/", params={"q": PROBLEM, "lang": "sv"}, headers=headers)
    assert page.status_code == 200
    return page.text


def test_a_reader_who_is_not_signed_in_is_offered_sign_in_back_to_the_search(app: Api) -> None:
    text = _planner(app, None)
    assert "Bevaka detta problem" not in text
    link = re.search(r'href="(/auth/login\?[^"]+)"[^>]*>Logga in för att bevaka problemet<', text)
    assert link is not None, "no sign-in link for watching"
    back = parse_qs(urlsplit(parse_qs(urlsplit(html.unescape(link.group(1))).query)["next"][0]).query)
    assert back["q"] == [PROBLEM]


def test_a_signed_in_proposer_watches_the_problem_and_gets_its_feed(app: Api, watches: Path) -> None:
    session, _ = sign_in(app, ["behovsgraf-intake"])
    text = _planner(app, session)
    form = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrf" value="([^"]+)">', text)
    assert form is not None and "Bevaka detta problem" in text
    action, csrf = html.unescape(form.group(1)), form.group(2)
    cookie = {"Cookie": f"behovsgraf_session={session}"}
    assert app.client.post(f"{app.url}{action}", data={"problem": PROBLEM}, headers=cookie).status_code == 403
    assert WatchStore(watches).watches() == []
    created = app.client.post(f"{app.url}{action}", data={"problem": PROBLEM, "csrf": csrf}, headers=cookie)
    assert created.status_code == 200, created.text
    [watch] = WatchStore(watches).watches()
    assert watch.owner == "person:saksbehandler" and watch.problem == PROBLEM
    feed_url = re.search(r'id="watch-feed"[^>]*value="([^"]+)"', created.text)
    assert feed_url is not None
    path = urlsplit(html.unescape(feed_url.group(1)))
    feed = feedparser.parse(app.client.get(f"{app.url}{path.path}?{path.query}").content)
    assert not feed.bozo and PROBLEM in feed.feed.title


def test_a_signed_in_reader_without_propose_scope_is_refused(app: Api, watches: Path) -> None:
    session, _ = sign_in(app, ["behovsgraf-readers"])
    text = _planner(app, session)
    csrf = re.search(r'name="csrf" value="([^"]+)"', text)
    assert csrf is not None
    refused = app.client.post(
        f"{app.url}/watches/new?lang=sv",
        data={"problem": PROBLEM, "csrf": csrf.group(1)},
        headers={"Cookie": f"behovsgraf_session={session}"},
    )
    assert refused.status_code == 403 and WatchStore(watches).watches() == []
