"""Sign-in over HTTP against a real OpenID Connect provider: PKCE, state, cookies, CSRF on forms.

Cookies are handled by hand: they are `Secure`, so an HTTP client's cookie jar would
not send them to http://127.0.0.1 (browsers do, see the chromium test).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from api.settings import Settings
from graph.backends import open_store
from graph.model import NodeType
from tests.api.conftest import Api, make_settings
from tests.api.signing_in import cookie_of, provider_login, sign_in
from tests.conftest import oidc_settings
from tests.oidc_local import LocalOidc

NEED = "Foreldre trenger å vite hvem som følger opp barnet etter skolebyttet"


@pytest.fixture
def app(writable_dataset: Path, oidc_provider: LocalOidc, serve: Callable[[Settings], Api]) -> Api:
    return serve(make_settings(writable_dataset, oidc=oidc_settings(oidc_provider.issuer)))


def test_login_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(app: Api, oidc_provider: LocalOidc) -> None:
    started = app.client.get(f"{app.url}/auth/login", params={"next": "/network"})
    assert started.status_code == 303
    location = urlsplit(started.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc_provider.issuer}/authorize"
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert params["response_type"] == "code" and params["client_id"] == "behovsgraf"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 40 and len(params["nonce"]) >= 40
    assert params["redirect_uri"] == f"{app.url}/auth/callback"
    _, attributes = cookie_of(started, "behovsgraf_login")
    assert {"httponly", "secure", "samesite=lax", "path=/auth/"} <= {part.strip() for part in attributes.split(";")}


def test_sign_in_opens_a_session_in_a_secure_cookie_and_returns_to_the_page(app: Api) -> None:
    session, finished = sign_in(app, ["behovsgraf-readers"], next_path="/network?lang=en")
    assert finished.headers["location"] == "/network?lang=en"
    _, attributes = cookie_of(finished, "behovsgraf_session")
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= {part.strip() for part in attributes.split(";")}
    page = app.client.get(f"{app.url}/?lang=en", headers={"Cookie": f"behovsgraf_session={session}"})
    assert "Signed in as saksbehandler" in page.text


def test_sign_in_never_returns_to_another_site(app: Api) -> None:
    _, finished = sign_in(app, ["behovsgraf-readers"], next_path="https://evil.example/")
    assert finished.headers["location"] == "/"


def test_a_callback_without_its_login_cookie_or_with_another_state_is_refused(app: Api) -> None:
    started = app.client.get(f"{app.url}/auth/login")
    login_id, _ = cookie_of(started, "behovsgraf_login")
    callback = provider_login(app.client, started.headers["location"], ["behovsgraf-readers"])
    assert app.client.get(callback).status_code == 400, "no login cookie: a forged or replayed callback"
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    assert app.client.get(forged, headers={"Cookie": f"behovsgraf_login={login_id}"}).status_code == 400
    replay = app.client.get(callback, headers={"Cookie": f"behovsgraf_login={login_id}"})
    assert replay.status_code == 400, "a sign-in can be finished once"


def _csrf(app: Api, session: str) -> str:
    page = app.client.get(f"{app.url}/needs/new", headers={"Cookie": f"behovsgraf_session={session}"})
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _needs(writable_dataset: Path) -> list[str]:
    with open_store(writable_dataset) as store:
        return [str(need.props.get("proposed_by")) for need in store.find(NodeType.NEED) if need.props["text"] == NEED]


def test_forms_without_the_sessions_csrf_token_are_refused_and_write_nothing(app: Api, writable_dataset: Path) -> None:
    session, _ = sign_in(app, ["behovsgraf-intake"])
    cookie = {"Cookie": f"behovsgraf_session={session}"}
    for fields in ({"text": NEED}, {"text": NEED, "csrf": "guessed-token"}):
        assert app.client.post(f"{app.url}/needs", data=fields, headers=cookie).status_code == 403
    other, _ = sign_in(app, ["behovsgraf-intake"])
    another_token = {"text": NEED, "csrf": _csrf(app, other)}
    assert app.client.post(f"{app.url}/needs", data=another_token, headers=cookie).status_code == 403
    assert app.client.post(f"{app.url}/needs", data={"text": NEED, "csrf": _csrf(app, session)}).status_code == 403
    assert _needs(writable_dataset) == []
    stored = app.client.post(f"{app.url}/needs", data={"text": NEED, "csrf": _csrf(app, session)}, headers=cookie)
    assert stored.status_code == 303 and "intake=stored" in stored.headers["location"]
    assert _needs(writable_dataset) == ["person:saksbehandler"]


def test_sign_out_ends_the_session(app: Api) -> None:
    session, _ = sign_in(app, ["behovsgraf-intake"])
    cookie = {"Cookie": f"behovsgraf_session={session}"}
    token = _csrf(app, session)
    assert app.client.post(f"{app.url}/auth/logout", data={"csrf": "wrong"}, headers=cookie).status_code == 403
    signed_out = app.client.post(f"{app.url}/auth/logout", data={"csrf": token}, headers=cookie)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/signed-out"
    assert app.client.get(f"{app.url}/needs/new", headers=cookie).status_code == 303, "the old id is worthless"
