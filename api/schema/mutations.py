"""The write side: ingest cases, delete nodes, and propose needs from intake forms.

`upsertCases` hands its input, as case-file records, to `ingest.run.ingest_records`:
the validation, name resolution and single atomic write of `behovsgraf ingest`.
Its problems come back as one BAD_USER_INPUT error whose `problems` extension
lists each with its field path (`input.cases[3].organisations[0].role`).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError
from strawberry import relay

from api.schema.access import CanRead, CanWrite, require_scope
from api.schema.connections import page_size
from api.schema.context import Context
from api.schema.errors import BadUserInput, LimitExceeded, NotFound
from api.schema.keys import NODE_REFERENCE
from api.schema.queries import case_hits, need_hits, node_of, required_text
from api.schema.types import Case, CaseHit, Language, Need, NeedHit
from api.settings import Scope
from graph import ranking
from graph.algorithms.merge import merge_nodes
from graph.errors import Conflict
from graph.model import Node, NodeType, Origin
from graph.ranking.language import detect_language
from ingest.proposals import proposed_need, store_proposed_need
from ingest.report import IngestReport, Problem
from ingest.run import ingest_records
from ingest.schema import NeedIn
from ingest.vocabulary import load_vocabulary

__all__ = ["Mutation"]

log = logging.getLogger(__name__)

Info = strawberry.Info[Context, None]

MAX_CASES_PER_REQUEST = 500


@strawberry.input(description="An organisation of a case (`organisations:` in a case file).")
class OrganisationInput:
    """One organisation and its role."""

    name: str = strawberry.field(description="The organisation's name; met with known names and aliases.")
    type: str | None = strawberry.field(default=None, description="municipality, county, region, agency, ...")
    role: str | None = strawberry.field(default=None, description="owner, partner, funder, facilitator or participant.")


@strawberry.input(description="A need a case addressed (`needs:` in a case file).")
class NeedInput:
    """A need and the target groups that have it."""

    text: str = strawberry.field(description="The need, in the words of those who have it.")
    target_groups: list[str] | None = strawberry.field(default=None, description="Names of target groups.")


@strawberry.input(description="A source describing a case (`sources:` in a case file).")
class SourceInput:
    """A report, article or page."""

    url: str = strawberry.field(description="http:// or https:// address.")
    title: str | None = strawberry.field(default=None, description="Its title.")
    publisher: str | None = strawberry.field(default=None, description="Who published it.")
    published: str | None = strawberry.field(default=None, description="2017-10-05, 2017-10 or 2017.")


@strawberry.input(description="A link to another case (`related:` in a case file).")
class RelatedInput:
    """A related case by id."""

    id: str = strawberry.field(description="The other case's id (stored or in the same input).")
    kind: str | None = strawberry.field(default=None, description="builds_on, similar_to or follow_up_of.")


@strawberry.input(description="One case, as in a case file's `cases:` list.")
class CaseInput:
    """A case; validated exactly like a case file."""

    id: str = strawberry.field(description="Lowercase a-z, 0-9 and hyphens, e.g. se-borlange-familjehem.")
    title: str = strawberry.field(description="The case's title.")
    language: str = strawberry.field(description="sv, nb, nn, da or en.")
    summary: str | None = strawberry.field(default=None, description="What the case did.")
    year: int | None = strawberry.field(default=None, description="The year it started or was reported.")
    status: str | None = strawberry.field(default=None, description="planned, ongoing, completed or discontinued.")
    country: str | None = strawberry.field(default=None, description="SE, NO, DK, FI or IS.")
    places: list[str] | None = strawberry.field(default=None, description="Place names.")
    organisations: list[OrganisationInput] | None = strawberry.field(default=None, description="Who took part.")
    target_groups: list[str] | None = strawberry.field(default=None, description="Target group names.")
    needs: list[NeedInput] | None = strawberry.field(default=None, description="Needs addressed.")
    methods: list[str] | None = strawberry.field(default=None, description="Method names.")
    topics: list[str] | None = strawberry.field(default=None, description="Topic names.")
    outcomes: list[str] | None = strawberry.field(default=None, description="What came out, one sentence each.")
    sources: list[SourceInput] | None = strawberry.field(default=None, description="Where the case is described.")
    related: list[RelatedInput] | None = strawberry.field(default=None, description="Related cases.")


@strawberry.input(description="Cases to create or replace.")
class UpsertCasesInput:
    """The input of `upsertCases`."""

    cases: list[CaseInput] = strawberry.field(description=f"The cases, at most {MAX_CASES_PER_REQUEST}.")
    partial: bool = strawberry.field(
        default=False, description="Write the valid cases even when others are rejected (default: all or nothing)."
    )


@strawberry.type(description="A name in the input that met an existing node under another of its names.")
class Merge:
    """A name resolved to an existing node."""

    name: str = strawberry.field(description="The name as given.")
    matched: str = strawberry.field(description="The name or alias it met.")
    key: str = strawberry.field(description="The stable id of the node it met.")
    reason: str = strawberry.field(description="Why: an alias, a spelling variant, the same core name, context ...")


@strawberry.type(description="Something wrong with one field of the input.")
class InputProblem:
    """One problem of an ingest."""

    field: str = strawberry.field(description="Path of the field, e.g. input.cases[0].organisations[1].role.")
    code: str = strawberry.field(description="invalid, ambiguous, unknown-case, duplicate-id, ...")
    message: str = strawberry.field(description="What is wrong and how to fix it.")


@strawberry.type(description="What `upsertCases` wrote.")
class UpsertCasesSuccess:
    """The outcome of an ingest through the API that wrote something."""

    cases: list[Case] = strawberry.field(description="The cases written.")
    created: list[str] = strawberry.field(description="Keys of nodes created.")
    updated: list[str] = strawberry.field(description="Keys of nodes changed.")
    unchanged: list[str] = strawberry.field(description="Keys of nodes written without change.")
    merged: list[Merge] = strawberry.field(description="Names that met existing nodes.")
    rejected_cases: list[str] = strawberry.field(description="Ids of cases not written (only with `partial`).")
    problems: list[InputProblem] = strawberry.field(description="Why they were rejected.")


@strawberry.type(description="The input was refused and nothing was written; `problems` lists everything wrong.")
class InvalidInput:
    """Validation problems returned as data, so a client can show them next to its form fields."""

    field: str = strawberry.field(description="The field of the first problem, e.g. input.cases[0].language.")
    message: str = strawberry.field(description="What is wrong with it.")
    problems: list[InputProblem] = strawberry.field(description="Every problem found, in input order.")


UpsertCasesPayload = Annotated[
    UpsertCasesSuccess | InvalidInput,
    strawberry.union("UpsertCasesPayload", description="What `upsertCases` wrote, or why it wrote nothing."),
]


@strawberry.type(description="What `deleteNode` removed.")
class DeleteNodePayload:
    """The deleted node's ids."""

    deleted_id: relay.GlobalID = strawberry.field(description="Global id of the deleted node.")
    key: str = strawberry.field(description="Its stable Behovsgraf id.")


@strawberry.input(description="Two nodes that are one: `other` is merged into `keep`.")
class MergeNodesInput:
    """The input of `mergeNodes`."""

    keep: strawberry.ID = strawberry.field(description=f"The node to keep. {NODE_REFERENCE}")
    other: strawberry.ID = strawberry.field(
        description=f"The node whose edges and names move onto `keep`; its key then names `keep`. {NODE_REFERENCE}"
    )


@strawberry.type(description="What `mergeNodes` did.")
class MergeNodesPayload:
    """The kept node and what moved onto it."""

    key: str = strawberry.field(description="Stable id of the kept node.")
    merged_key: str = strawberry.field(description="Stable id of the merged node, which now resolves to the kept one.")
    edges_moved: int = strawberry.field(description="Relationships moved from the merged node.")
    names_added: list[str] = strawberry.field(description="Names of the merged node the kept node is now also known by.")


@strawberry.input(description="A need someone is about to report through an intake form.")
class ProposeNeedInput:
    """The input of `proposeNeed`."""

    text: str = strawberry.field(description="The need, in the words of those who have it.")
    target_groups: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Keys or ids of the target groups that have it (from `vocabulary`)."
    )
    language: Language | None = strawberry.field(default=None, description="The text's language; guessed when absent.")
    confirm: bool = strawberry.field(
        default=False, description="Store the need (needs an API key with propose scope); otherwise only look."
    )
    first: int = strawberry.field(default=5, description="How many similar needs and cases to return (at most 100).")


@strawberry.type(description="Needs and cases like the proposed need, and the need if it was stored.")
class ProposeNeedPayload:
    """The outcome of `proposeNeed`."""

    similar_needs: list[NeedHit] = strawberry.field(description="Needs already reported, most similar first.")
    similar_cases: list[CaseHit] = strawberry.field(description="Cases that worked on something like it.")
    need: Need | None = strawberry.field(description="The stored need (only with `confirm: true`).")
    created: bool = strawberry.field(description="Whether this call added the need (false when it was known).")


_SNAKE = re.compile(r"_([a-z])")


def _field_path(path: str) -> str:
    """`cases[3].target_groups[0]` -> `input.cases[3].targetGroups[0]`."""
    return "input." + _SNAKE.sub(lambda match: match.group(1).upper(), path) if path else "input"


def _problem(problem: Problem) -> dict[str, str]:
    return {"field": _field_path(problem.path), "code": problem.code, "message": problem.message}


def _record(case: CaseInput) -> dict[str, Any]:
    """A case input as a case-file record: unset fields left out, as a file would."""

    def without_none(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: without_none(item) for key, item in value.items() if item is not None}
        if isinstance(value, list):
            return [without_none(item) for item in value]
        return value

    return without_none(dataclasses.asdict(case))  # type: ignore[no-any-return]


def _origin(info: Info) -> Origin:
    """The origin of a write by this request's caller (see `graph.history`)."""
    actor = info.context.caller.actor
    return Origin(actor) if actor is not None else Origin()


def _payload(report: IngestReport, cases: list[Node]) -> UpsertCasesSuccess:
    return UpsertCasesSuccess(
        cases=[Case(node_id=node.id, node=node) for node in cases],
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        merged=[Merge(name=m.name, matched=m.matched, key=m.node_id, reason=m.reason) for m in report.merged],
        rejected_cases=report.rejected_cases,
        problems=[InputProblem(**_problem(problem)) for problem in report.problems],
    )


@strawberry.type(description="Change the graph. Ingest and delete need an API key with write scope.")
class Mutation:
    """Root mutation fields."""

    @strawberry.mutation(
        description="Create or replace cases, validated and resolved exactly like `behovsgraf ingest`.",
        permission_classes=[CanWrite],
    )
    async def upsert_cases(
        self,
        info: Info,
        input: Annotated[UpsertCasesInput, strawberry.argument(description="The cases.")],  # noqa: A002
    ) -> UpsertCasesPayload:
        if len(input.cases) > MAX_CASES_PER_REQUEST:
            raise LimitExceeded(f"`input.cases` can hold at most {MAX_CASES_PER_REQUEST} cases.", field="input.cases")
        context = info.context
        records = [_record(case) for case in input.cases]
        actor = context.caller.actor
        report = await context.call(
            ingest_records,
            records,
            origin=f"api:{actor}",
            partial=input.partial,
            written_by=actor,
            data_dir=context.settings.data_dir,
        )
        log.info(
            "request %s: upsertCases by %s: %d created, %d updated, %d rejected",
            context.request_id,
            actor,
            len(report.created),
            len(report.updated),
            len(report.rejected_cases),
        )
        if not report.written:
            problems = [InputProblem(**_problem(problem)) for problem in report.problems]
            return InvalidInput(field=problems[0].field, message=problems[0].message, problems=problems)
        context.loaders.forget()
        rejected = set(report.rejected_cases)
        written = await context.loaders.nodes.load_many([case.id for case in input.cases if case.id not in rejected])
        return _payload(report, [node for node in written if node is not None])

    @strawberry.mutation(description="Delete a node and every edge touching it.", permission_classes=[CanWrite])
    async def delete_node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=NODE_REFERENCE)],  # noqa: A002
    ) -> DeleteNodePayload:
        node = await node_of(info, id, follow_merges=False)
        if node is None:
            raise NotFound("No node has this id.", field="id")
        origin = _origin(info)
        await info.context.call(lambda store: store.delete(node.id, origin=origin))
        info.context.loaders.forget()
        log.info("request %s: deleteNode %s by %s", info.context.request_id, node.id, info.context.caller.actor)
        return DeleteNodePayload(deleted_id=id, key=node.id)

    @strawberry.mutation(
        description="Merge two organisations or concepts that are one: every edge and name moves onto `keep`.",
        permission_classes=[CanWrite],
    )
    async def merge_nodes(
        self,
        info: Info,
        input: Annotated[MergeNodesInput, strawberry.argument(description="The two nodes.")],  # noqa: A002
    ) -> MergeNodesPayload:
        ends = {}
        for name in ("keep", "other"):
            node = await node_of(info, getattr(input, name), follow_merges=False)
            if node is None:
                raise NotFound(f"`input.{name}` names no node.", field=f"input.{name}")
            ends[name] = node
        protected = frozenset(node.id for node in load_vocabulary(info.context.settings.data_dir).nodes)
        try:
            result = await info.context.call(
                merge_nodes, ends["keep"].id, ends["other"].id, protected=protected,
                origin=_origin(info),
            )
        except Conflict as exc:
            raise BadUserInput(f"Not merged: {exc}.", field="input.other") from exc
        info.context.loaders.forget()
        log.info(
            "request %s: mergeNodes %s into %s by %s",
            info.context.request_id, result.other, result.keep, info.context.caller.actor,
        )
        return MergeNodesPayload(
            key=result.keep, merged_key=result.other, edges_moved=result.edges_moved, names_added=list(result.names_added)
        )

    @strawberry.mutation(
        description="Show needs and cases like a need someone is reporting; store it only with `confirm: true`.",
        permission_classes=[CanRead],
    )
    async def propose_need(
        self,
        info: Info,
        input: Annotated[ProposeNeedInput, strawberry.argument(description="The need.")],  # noqa: A002
    ) -> ProposeNeedPayload:
        context = info.context
        if input.confirm:
            require_scope(context, Scope.PROPOSE)
        text = required_text(input.text, "input.text")
        group_ids = []
        for position, global_id in enumerate(input.target_groups or []):
            group = await node_of(info, global_id)
            if group is None or group.type is not NodeType.TARGET_GROUP:
                raise BadUserInput(
                    f"`input.targetGroups[{position}]` is not the id of a target group.",
                    field=f"input.targetGroups[{position}]",
                )
            group_ids.append(group.id)
        try:
            need = NeedIn(text=text, target_groups=[])
        except ValidationError as exc:
            raise BadUserInput(f"`input.text`: {exc.errors()[0]['msg']}", field="input.text") from exc
        top = page_size(input.first, context.settings, name="input.first")
        similar = await context.call(ranking.similar_needs, need.text, top=top) if top else []
        found = await context.call(ranking.prior_work, need.text, top=top, lang=context.preferred_language()) if top else None
        cases = case_hits(found.hits, found.language) if found else []
        if not input.confirm:
            return ProposeNeedPayload(similar_needs=need_hits(similar), similar_cases=cases, need=None, created=False)
        language = input.language.value if input.language else detect_language(need.text)
        node = proposed_need(need.text, language=language, proposed_by=context.caller.actor)
        need_id, created = await context.call(store_proposed_need, node, tuple(group_ids))
        context.loaders.forget()
        stored = await context.call(lambda store: store.get(need_id))
        log.info("request %s: proposeNeed by %s: %s", context.request_id, context.caller.actor, need_id)
        return ProposeNeedPayload(
            similar_needs=need_hits(similar),
            similar_cases=cases,
            need=Need(node_id=stored.id, node=stored) if stored else None,
            created=created,
        )
