"""Watches in GraphQL: create, list, pause and delete them, and follow their matches live.

A watch belongs to the API key that created it (its name is the owner); it needs
propose scope, like intake forms. `watchMatches` is a subscription over
`graphql-transport-ws`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum
from typing import Annotated

import anyio.to_thread
import strawberry

from api.schema.access import require_scope
from api.schema.context import Context
from api.schema.errors import ApiError, ErrorCode, NotFound
from api.settings import Scope
from api.watches.store import Match, Sensitivity, Watch, WatchNotFound
from api.watches.targets import target_problem
from graph.model import NodeType

__all__ = ["WatchMutation", "WatchQuery", "WatchSubscription"]

Info = strawberry.Info[Context, None]

MAX_PROBLEM_LENGTH = 2000
MAX_WATCHES_PER_OWNER = 1000


class WatchesOff(ApiError):
    """This server runs no watch service."""

    code = ErrorCode.NOT_FOUND


@strawberry.enum(description="The weakest match a watch reports: the ranking's confidence bands.")
class WatchSensitivity(Enum):
    """strong, possible or weak."""

    STRONG = "strong"
    POSSIBLE = "possible"
    WEAK = "weak"


@strawberry.type(description="A case that matched a watch.")
class WatchMatch:
    """One match, with the reasons the ranking gave."""

    key: str = strawberry.field(description="The match id; also the webhook's idempotency key.")
    case_key: str = strawberry.field(description="The matched case's key.")
    case_title: str = strawberry.field(description="The matched case's title.")
    confidence: str = strawberry.field(description="strong, possible or weak.")
    score: float = strawberry.field(description="The ranking's score.")
    reasons: list[str] = strawberry.field(description="Why it matched, in the watch's language.")
    matched_at: str = strawberry.field(description="When it matched (ISO 8601, UTC).")

    @classmethod
    def of(cls, match: Match) -> WatchMatch:
        """The GraphQL view of a stored match."""
        return cls(
            key=match.id,
            case_key=match.case_id,
            case_title=match.case_title,
            confidence=match.confidence,
            score=match.score,
            reasons=list(match.reasons),
            matched_at=match.created_at,
        )


@strawberry.type(description="A saved problem whose new matches are reported to its owner.")
class WatchView:
    """A watch without its secrets."""

    key: str = strawberry.field(description="The watch's id.")
    problem: str = strawberry.field(description="The problem watched (the need's text for a need).")
    need_key: str | None = strawberry.field(description="The stored need watched, if any.")
    sensitivity: WatchSensitivity = strawberry.field(description="The weakest match reported.")
    paused: bool = strawberry.field(description="Paused watches match nothing.")
    created_at: str = strawberry.field(description="When it was created (ISO 8601, UTC).")
    feed_path: str = strawberry.field(description="Path of its Atom feed (holds the feed token; keep it private).")
    has_webhook: bool = strawberry.field(description="Whether matches are also posted to a webhook.")
    recent_matches: list[WatchMatch] = strawberry.field(description="The newest matches, newest first.")

    @classmethod
    def of(cls, watch: Watch, matches: list[Match]) -> WatchView:
        """The GraphQL view of a watch."""
        return cls(
            key=watch.id,
            problem=watch.problem,
            need_key=watch.need_id,
            sensitivity=WatchSensitivity(watch.sensitivity.value),
            paused=watch.paused,
            created_at=watch.created_at,
            feed_path=feed_path(watch),
            has_webhook=watch.webhook_url is not None,
            recent_matches=[WatchMatch.of(match) for match in matches],
        )


def feed_path(watch: Watch) -> str:
    """Where a watch's Atom feed is served."""
    return f"/watches/{watch.id}/feed.atom?token={watch.feed_token}"


@strawberry.input(description="What to watch: a problem in your own words, or a stored need.")
class CreateWatchInput:
    """A problem or a need, how sure a match must be, and optionally a webhook."""

    problem: str | None = strawberry.field(default=None, description="The problem, in any of sv/nb/nn/da/en.")
    need_key: str | None = strawberry.field(default=None, description="A stored need's key instead of a problem.")
    sensitivity: WatchSensitivity = strawberry.field(
        default=WatchSensitivity.POSSIBLE, description="The weakest match to report."
    )
    webhook_url: str | None = strawberry.field(default=None, description="http(s) address to post matches to.")


@strawberry.type(description="A watch was created. The secret is shown once.")
class CreateWatchSuccess:
    """The new watch and its webhook signing secret."""

    watch: WatchView = strawberry.field(description="The watch.")
    webhook_secret: str | None = strawberry.field(
        description="The HMAC-SHA256 key of the `Behovsgraf-Signature` header; shown only now."
    )


@strawberry.type(description="One input field is wrong.")
class WatchInputProblem:
    """Which field, and why."""

    field: str = strawberry.field(description="The input field, e.g. `webhookUrl`.")
    message: str = strawberry.field(description="What is wrong with it.")


CreateWatchPayload = Annotated[
    CreateWatchSuccess | WatchInputProblem,
    strawberry.union("CreateWatchPayload", description="The new watch, or what is wrong with the input."),
]


def _owner(info: Info) -> str:
    require_scope(info.context, Scope.PROPOSE)
    if info.context.watches is None:
        raise WatchesOff("This server does not run watches (BEHOVSGRAF_WATCHES is off).")
    caller = info.context.caller
    return str(caller.key_name if caller.key_name is not None else caller.actor)


async def _problem_of(info: Info, data: CreateWatchInput) -> tuple[str, str | None] | WatchInputProblem:
    if bool(data.problem and data.problem.strip()) == bool(data.need_key):
        return WatchInputProblem(field="problem", message="Give either a problem or a needKey.")
    if data.need_key:
        need = await info.context.loaders.nodes.load(data.need_key)
        if need is None or need.type is not NodeType.NEED:
            return WatchInputProblem(field="needKey", message=f"No stored need has the key {data.need_key!r}.")
        return need.label, need.id
    text = (data.problem or "").strip()
    if len(text) > MAX_PROBLEM_LENGTH:
        return WatchInputProblem(field="problem", message=f"A problem may have at most {MAX_PROBLEM_LENGTH} characters.")
    return text, None


WatchKey = Annotated[str, strawberry.argument(description="The watch's key, as `createWatch` and `watches` give it.")]


@strawberry.type
class WatchQuery:
    """Watch fields of the root query."""

    @strawberry.field(description="Your watches (those of the API key sent), oldest first.")
    async def watches(self, info: Info) -> list[WatchView]:
        owner = _owner(info)
        service = info.context.watches
        found = await anyio.to_thread.run_sync(lambda: service.watches.watches(owner=owner))
        return [WatchView.of(watch, service.watches.matches(watch.id, limit=10)) for watch in found]


@strawberry.type
class WatchMutation:
    """Watch mutations; they need an API key with propose scope."""

    @strawberry.mutation(description="Watch a problem or a need: later cases that match it are reported.")
    async def create_watch(
        self,
        info: Info,
        input: Annotated[CreateWatchInput, strawberry.argument(description="What to watch and how to be told.")],  # noqa: A002
    ) -> CreateWatchPayload:
        owner = _owner(info)
        watches = info.context.watches.watches
        problem = await _problem_of(info, input)
        if isinstance(problem, WatchInputProblem):
            return problem
        if input.webhook_url is not None:
            refused = await anyio.to_thread.run_sync(
                lambda: target_problem(input.webhook_url or "", allow_private=info.context.settings.allow_private_webhooks)
            )
            if refused:
                return WatchInputProblem(field="webhookUrl", message=refused)
        if len(watches.watches(owner=owner)) >= MAX_WATCHES_PER_OWNER:
            return WatchInputProblem(field="problem", message=f"A key may keep at most {MAX_WATCHES_PER_OWNER} watches.")
        text, need_id = problem
        watch = await anyio.to_thread.run_sync(
            lambda: watches.create(
                owner=owner,
                problem=text,
                need_id=need_id,
                sensitivity=Sensitivity(input.sensitivity.value),
                webhook_url=input.webhook_url,
            )
        )
        return CreateWatchSuccess(watch=WatchView.of(watch, []), webhook_secret=watch.webhook_secret)

    @strawberry.mutation(description="Pause (or resume, with paused: false) one of your watches.")
    async def pause_watch(
        self,
        info: Info,
        key: WatchKey,
        paused: Annotated[bool, strawberry.argument(description="true pauses the watch, false resumes it.")] = True,
    ) -> WatchView:
        owner = _owner(info)
        watches = info.context.watches.watches
        try:
            watch = await anyio.to_thread.run_sync(lambda: watches.set_paused(key, owner=owner, paused=paused))
        except WatchNotFound as exc:
            raise NotFound(f"You have no watch {key!r}.") from exc
        return WatchView.of(watch, watches.matches(watch.id, limit=10))

    @strawberry.mutation(description="Delete one of your watches with its matches and pending deliveries.")
    async def delete_watch(self, info: Info, key: WatchKey) -> str:
        owner = _owner(info)
        watches = info.context.watches.watches
        try:
            await anyio.to_thread.run_sync(lambda: watches.delete(key, owner=owner))
        except WatchNotFound as exc:
            raise NotFound(f"You have no watch {key!r}.") from exc
        return key


@strawberry.type(description="Live updates over graphql-transport-ws.")
class WatchSubscription:
    """Live updates over graphql-transport-ws."""

    @strawberry.subscription(description="Each new match of one of your watches, as it is found.")
    async def watch_matches(self, info: Info, key: WatchKey) -> AsyncGenerator[WatchMatch, None]:
        owner = _owner(info)
        service = info.context.watches
        try:
            await anyio.to_thread.run_sync(lambda: service.watches.get(key, owner=owner))
        except WatchNotFound as exc:
            raise NotFound(f"You have no watch {key!r}.") from exc
        async for match in service.subscribe(key):
            yield WatchMatch.of(match)
