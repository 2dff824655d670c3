"""The GraphQL schema of Behovsgraf: `build_schema(settings)` with the limits the settings give.

`python -m api.schema` prints the SDL that `api/schema.graphql` holds.
"""

from __future__ import annotations

import logging
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext, get_object_definition

from api.schema.errors import ErrorCodes, TokenLimit, is_unexpected
from api.schema.inferred import InferredLinkMutation, InferredLinkQuery
from api.schema.limits import OffLoopValidation, QueryLimits
from api.schema.mutations import Mutation
from api.schema.queries import Query
from api.schema.watches import WatchMutation, WatchQuery, WatchSubscription
from api.settings import Settings

__all__ = ["BehovsgrafSchema", "build_schema"]

log = logging.getLogger(__name__)


class BehovsgrafSchema(strawberry.Schema):
    """A schema that logs unexpected errors once, with the request id, and nothing of the rest."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log resolver failures for operators; client errors are the client's business."""
        request_id = getattr(execution_context.context, "request_id", "unknown") if execution_context else "unknown"
        for error in errors:
            if is_unexpected(error):
                log.error(
                    "request %s: unexpected error at %s",
                    request_id,
                    ".".join(str(part) for part in error.path or ()),
                    exc_info=error.original_error,
                )


@strawberry.type(name="Query", description=get_object_definition(Query, strict=True).description)
class _RootQuery(Query, InferredLinkQuery, WatchQuery):
    """The root query: graph reads, inferred links and the caller's watches."""


@strawberry.type(name="Mutation", description=get_object_definition(Mutation, strict=True).description)
class _RootMutation(Mutation, InferredLinkMutation, WatchMutation):
    """The root mutation: graph writes, curating inferred links and watch management."""


def build_schema(settings: Settings) -> BehovsgrafSchema:
    """The schema with error codes, masking, the token limit and the shape limits of `settings`."""
    limits = QueryLimits(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_spreads=settings.max_fragment_spreads,
        max_cost=settings.max_query_cost,
        default_page=settings.default_page_size,
        max_page=settings.max_page_size,
    )
    return BehovsgrafSchema(
        query=_RootQuery,
        mutation=_RootMutation,
        subscription=WatchSubscription,
        extensions=[ErrorCodes, partial(TokenLimit, settings.max_query_tokens), partial(OffLoopValidation, limits)],
    )
