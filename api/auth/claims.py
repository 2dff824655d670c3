"""What a provider's claims grant: the scope their groups or roles map to, and the person's name.

Examples
--------
>>> from api.settings import Oidc
>>> oidc = Oidc(issuer="https://login.example.org/tenant", client_id="behovsgraf",
...             role_scopes={"planners": "propose", "curators": "write"})
>>> scope_of({"groups": ["planners", "staff"]}, oidc)
<Scope.PROPOSE: 'propose'>
>>> scope_of({"groups": ["staff"]}, oidc) is None
True
>>> person_of({"sub": "0a1b", "preferred_username": "intake@kommune.example"}, oidc)
'intake@kommune.example'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.settings import Oidc, Scope

__all__ = ["claim_values", "person_of", "scope_of"]


def claim_values(claims: Mapping[str, Any], path: str) -> list[str]:
    """The string values of a claim, following a dotted path into nested objects (`realm_access.roles`).

    >>> claim_values({"realm_access": {"roles": ["a", "b"]}}, "realm_access.roles")
    ['a', 'b']
    >>> claim_values({"roles": "a"}, "roles"), claim_values({}, "groups")
    (['a'], [])
    """
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return []
        value = value[part]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def scope_of(claims: Mapping[str, Any], oidc: Oidc) -> Scope | None:
    """The widest scope the claim `oidc.roles_claim` grants through `oidc.role_scopes`, or None."""
    granted = [oidc.role_scopes[value] for value in claim_values(claims, oidc.roles_claim) if value in oidc.role_scopes]
    widest = None
    for scope in granted:
        if widest is None or scope.includes(widest):
            widest = scope
    return widest


def person_of(claims: Mapping[str, Any], oidc: Oidc) -> str | None:
    """The first of `oidc.person_claims` the claims hold as a non-empty string."""
    for name in oidc.person_claims:
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
