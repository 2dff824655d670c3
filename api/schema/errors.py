"""Errors the API returns, and the extensions that give every error an `extensions.code`.

Resolvers raise an `ApiError` subclass; its `extensions` reach the client as they
are. Errors that are neither ours nor the client's (a bug, a failed assumption) are
masked as `INTERNAL`, logged with the request id, and the client gets that id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import Enum
from typing import Any, ClassVar

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors, MaxTokensLimiter
from strawberry.relay import GlobalIDValueError

__all__ = [
    "ApiError",
    "BadUserInput",
    "ErrorCode",
    "ErrorCodes",
    "Forbidden",
    "LimitExceeded",
    "NotFound",
    "StoreUnavailableError",
    "TokenLimit",
    "Unauthenticated",
    "is_unexpected",
]

log = logging.getLogger(__name__)


class ErrorCode(str, Enum):
    """Values of `extensions.code`."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL = "INTERNAL"


class ApiError(Exception):
    """An error meant for the client: a message and `extensions` with its code and details."""

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.extensions: dict[str, Any] = {"code": self.code.value, **details}


class BadUserInput(ApiError):
    """An argument or input field is wrong; `field` names it."""

    code = ErrorCode.BAD_USER_INPUT


class NotFound(ApiError):
    """An id names nothing (of the expected type)."""

    code = ErrorCode.NOT_FOUND


class Unauthenticated(ApiError):
    """No valid API key was sent where one is needed."""

    code = ErrorCode.UNAUTHENTICATED


class Forbidden(ApiError):
    """The API key is valid but its scope does not allow this."""

    code = ErrorCode.FORBIDDEN


class LimitExceeded(ApiError):
    """A request is larger than the server allows."""

    code = ErrorCode.LIMIT_EXCEEDED


class StoreUnavailableError(ApiError):
    """The graph store cannot be reached; the message names no internals."""

    code = ErrorCode.STORE_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__("The graph store is unavailable; try again shortly.")


_CLIENT_ERRORS = (ApiError, GlobalIDValueError, GraphQLError)
"""Causes that are the client's doing: ours, malformed global ids, values graphql-core could not coerce."""


def is_unexpected(error: GraphQLError) -> bool:
    """Whether an error comes from a failure that is neither ours to report nor the client's."""
    original = error.original_error
    return original is not None and not isinstance(original, _CLIENT_ERRORS)


def _request_id(context: object) -> str:
    return str(getattr(context, "request_id", "unknown"))


class ErrorCodes(MaskErrors):
    """Mask unexpected errors as INTERNAL (with the request id) and give every other error a code.

    Parse failures become GRAPHQL_PARSE_FAILED, validation failures
    GRAPHQL_VALIDATION_FAILED, values that cannot be coerced BAD_USER_INPUT;
    the limits (`api.schema.limits`, `TokenLimit`) tag their own errors LIMIT_EXCEEDED.
    """

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)
        self._validation_errors: set[int] = set()

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """The client's view of an unexpected error: no message, no trace, a request id."""
        request_id = _request_id(self.execution_context.context)
        return GraphQLError(
            f"Internal error; quote request id {request_id} when reporting it.",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id},
        )

    def on_validate(self) -> Iterator[None]:
        """Remember which errors validation reported."""
        yield
        self._validation_errors = {id(error) for error in self.execution_context.pre_execution_errors or ()}

    def on_operation(self) -> Iterator[None]:
        """Mask, then code whatever errors the operation ended with."""
        yield from super().on_operation()
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        for error in errors or ():
            if "code" not in (error.extensions or {}):
                error.extensions = {**(error.extensions or {}), "code": self._code_of(error).value}

    def _code_of(self, error: GraphQLError) -> ErrorCode:
        if isinstance(error, GraphQLSyntaxError):
            return ErrorCode.GRAPHQL_PARSE_FAILED
        if id(error) in self._validation_errors:
            return ErrorCode.GRAPHQL_VALIDATION_FAILED
        return ErrorCode.BAD_USER_INPUT


class TokenLimit(MaxTokensLimiter):
    """`MaxTokensLimiter` whose parse error carries LIMIT_EXCEEDED and says what to do."""

    def on_parse(self) -> Iterator[None]:
        """Tag the parser's 'more than N tokens' error."""
        yield
        for error in self.execution_context.pre_execution_errors or ():
            if isinstance(error, GraphQLSyntaxError) and "Document contains more than" in error.message:
                error.message = f"The query has more than {self.max_token_count} tokens; split it into smaller queries."
                error.extensions = {**(error.extensions or {}), "code": ErrorCode.LIMIT_EXCEEDED.value}
