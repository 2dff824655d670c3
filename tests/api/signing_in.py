"""Signing in to a test server through the local OpenID Connect provider, cookies handled by hand.

The cookies are `Secure`, so an HTTP client's cookie jar would not send them to
http://127.0.0.1; these helpers read and send them explicitly.
"""

from __future__ import annotations

import json

import httpx

from tests.api.conftest import Api

__all__ = ["cookie_of", "provider_login", "sign_in"]


def cookie_of(response: httpx.Response, name: str) -> tuple[str, str]:
    """The value and the attributes (lowercased) of the cookie `name` the response sets."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            value, _, attributes = header.partition(";")
            return value.split("=", 1)[1].strip('"'), attributes.lower()
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def provider_login(client: httpx.Client, authorize_url: str, groups: list[str]) -> str:
    """Sign in on the provider's page; the callback URL it sends the browser to."""
    form = client.get(authorize_url)
    assert form.status_code == 200 and 'name="username"' in form.text
    sent = client.post(
        authorize_url, data={"username": "saksbehandler", "claims": json.dumps({"groups": groups})}
    )
    assert sent.status_code == 302, sent.text
    return sent.headers["location"]


def sign_in(app: Api, groups: list[str], next_path: str = "/") -> tuple[str, httpx.Response]:
    """The session id after a full sign-in, and the callback's response."""
    started = app.client.get(f"{app.url}/auth/login", params={"next": next_path})
    login_id, _ = cookie_of(started, "behovsgraf_login")
    callback = provider_login(app.client, started.headers["location"], groups)
    finished = app.client.get(callback, headers={"Cookie": f"behovsgraf_login={login_id}"})
    assert finished.status_code == 303, finished.text
    session, _ = cookie_of(finished, "behovsgraf_session")
    return session, finished
