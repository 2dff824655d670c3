"""The case page's inferred links: shown as suggested with their similarity; curators with write scope confirm or
reject them through CSRF-protected forms, signed in with a real OpenID Connect provider."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from api.settings import Settings
from graph.backends import open_store
from graph.model import Direction, RelType
from tests.api.conftest import Api, make_settings
from tests.api.signing_in import sign_in
from tests.api.test_inferred_links import CASE, curated_store
from tests.conftest import oidc_settings
from tests.oidc_local import LocalOidc

WRITERS, PROPOSERS = ["behovsgraf-curators"], ["behovsgraf-intake"]


@pytest.fixture
def site(tmp_path: Path, oidc_provider: LocalOidc, serve: Callable[[Settings], Api]) -> tuple[Api, Path, list[str]]:
    path = tmp_path / "cases.db"
    groups = curated_store(path)
    return serve(make_settings(path, oidc=oidc_settings(oidc_provider.issuer))), path, groups


def _page(app: Api, session: str | None, lang: str) -> str:
    headers = {"Cookie": f"behovsgraf_session={session}"} if session else {}
    response = app.client.get(f"{app.url}/cases/{CASE}", params={"lang": lang}, headers=headers)
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize(("lang", "heading", "suggested"), [
    ("sv", "Föreslagna kopplingar", "föreslagen"), ("nb", "Foreslåtte koblinger", "foreslått"),
    ("nn", "Føreslåtte koplingar", "føreslått"), ("da", "Foreslåede koblinger", "foreslået"),
    ("en", "Suggested links", "inferred"),
])
def test_inferred_links_are_shown_as_suggested_with_their_similarity_and_no_buttons_for_readers(
    site: tuple[Api, Path, list[str]], lang: str, heading: str, suggested: str
) -> None:
    app, _, _ = site
    html = _page(app, None, lang)
    assert heading in html and f"{suggested})" in html
    assert "<td>0.90</td>" in html and "<td>0.89</td>" in html
    assert "inferred-links/confirm" not in html and "inferred-links/reject" not in html


def test_a_proposer_sees_no_buttons_and_cannot_post_a_decision(site: tuple[Api, Path, list[str]]) -> None:
    app, path, groups = site
    session, _ = sign_in(app, PROPOSERS)
    assert "inferred-links/confirm" not in _page(app, session, "nb")
    token = re.search(r'name="csrf" value="([^"]+)"', app.client.get(
        f"{app.url}/needs/new", headers={"Cookie": f"behovsgraf_session={session}"}).text)
    assert token is not None
    refused = app.client.post(f"{app.url}/cases/{CASE}/inferred-links/confirm",
                              data={"csrf": token.group(1), "concept": groups[0]},
                              headers={"Cookie": f"behovsgraf_session={session}"})
    assert refused.status_code == 403
    with open_store(path) as store:
        assert len(store.edges_of(CASE, rel=RelType.INFERRED_LINK, direction=Direction.OUT)) == 2


def test_a_curator_confirms_and_rejects_through_csrf_protected_forms(site: tuple[Api, Path, list[str]]) -> None:
    app, path, groups = site
    session, _ = sign_in(app, WRITERS)
    cookie = {"Cookie": f"behovsgraf_session={session}"}
    html = _page(app, session, "sv")
    assert 'aria-label="Bekräfta kopplingen till' in html and ">Avvisa</button>" in html
    token = re.search(r'name="csrf" value="([^"]+)"', html)
    assert token is not None
    confirm = f"{app.url}/cases/{CASE}/inferred-links/confirm?lang=sv"
    for fields in ({"concept": groups[0]}, {"concept": groups[0], "csrf": "guessed-token"}):
        assert app.client.post(confirm, data=fields, headers=cookie).status_code == 403
    assert app.client.post(confirm, data={"concept": groups[0], "csrf": token.group(1)}).status_code == 403, "no session"

    done = app.client.post(confirm, data={"concept": groups[0], "csrf": token.group(1)}, headers=cookie)
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{CASE}?lang=sv"
    rejected = app.client.post(f"{app.url}/cases/{CASE}/inferred-links/reject?lang=sv",
                               data={"concept": groups[1], "csrf": token.group(1)}, headers=cookie)
    assert rejected.status_code == 303
    assert "Föreslagna kopplingar" not in _page(app, session, "sv")
    with open_store(path) as store:
        assert groups[0] in {e.target for e in store.edges_of(CASE, rel=RelType.TARGETS, direction=Direction.OUT)}
        assert [e.target for e in store.edges_of(CASE, rel=RelType.REJECTED_LINK, direction=Direction.OUT)] == [groups[1]]
        assert [entry.run.actor for entry in store.history(CASE)[:2]] == ["person:saksbehandler"] * 2
    gone = app.client.post(confirm, data={"concept": groups[0], "csrf": token.group(1)}, headers=cookie)
    assert gone.status_code == 404 and "Det finns ingen föreslagen koppling" in gone.text
