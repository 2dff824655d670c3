"""Who may do what: reads are open unless configured otherwise, writes need a key or token with write scope."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from api.schema.context import Context
from api.schema.errors import Forbidden, Unauthenticated
from api.settings import Scope

__all__ = ["CanRead", "CanWrite", "require_scope"]

_HOW_TO_SEND = "Send `Authorization: Bearer <key>` with a key configured on this server."


def _how_to_configure(scope: Scope) -> str:
    """What to do on a server that has no API keys at all."""
    example = f'[{{"name": "intake", "key": "<24 or more random characters>", "scope": "{scope.value}"}}]'
    return (
        "This server has no API keys configured: set BEHOVSGRAF_API_KEYS (environment or .env) "
        f"to a JSON list such as `{example}` and restart it."
    )


def require_scope(context: Context, scope: Scope) -> None:
    """Raise unless the caller may act with `scope`.

    A key that matches none configured is refused even where no key is needed,
    so a misconfigured client notices.

    Raises
    ------
    Unauthenticated
        A wrong key was sent, or none where one is needed.
    Forbidden
        The key's scope does not include `scope`.
    """
    caller = context.caller
    unconfigured = not context.settings.api_keys and context.settings.oidc is None
    if caller.bad_key:
        if caller.problem:
            raise Unauthenticated(f"The token is not valid: {caller.problem}. Send `Authorization: Bearer <token>`.")
        how = _how_to_configure(scope) if unconfigured else _HOW_TO_SEND
        raise Unauthenticated(f"The API key is not valid. {how}")
    if caller.scope is None:
        if scope is Scope.READ and not context.settings.require_key_for_reads:
            return
        if caller.person is not None:
            raise Forbidden(f"{caller.person} has no group or role that grants {scope.value}.")
        how = _how_to_configure(scope) if unconfigured else _HOW_TO_SEND
        raise Unauthenticated(f"This needs an API key or token with {scope.value} scope. {how}")
    if not caller.scope.includes(scope):
        who = f"The API key {caller.key_name!r}" if caller.key_name else caller.person
        raise Forbidden(f"{who} has {caller.scope.value} scope; this needs {scope.value}.")


class CanRead(BasePermission):
    """Reads: open, or any valid key when `require_key_for_reads` is set."""

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        """Raise the right error rather than return False, so the code says why."""
        require_scope(info.context, Scope.READ)
        return True


class CanWrite(BasePermission):
    """Ingest and delete: a key with write scope."""

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        """Raise the right error rather than return False, so the code says why."""
        require_scope(info.context, Scope.WRITE)
        return True
