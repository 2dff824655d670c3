"""Inferred concept links in GraphQL: `inferredLinks` lists them, curators confirm or reject them.

The links are those `graph.ranking.inferred` stores after embedding. Listing is a read;
`confirmInferredLink` and `rejectInferredLink` need write scope, like the other curator
mutations, and are recorded in the history under the caller (`key:<name>`, `person:<name>`).
"""

from __future__ import annotations

import logging
from typing import Annotated

import strawberry

from api.schema.access import CanRead, CanWrite
from api.schema.connections import After, Connection, First, window
from api.schema.context import Context
from api.schema.errors import BadUserInput, NotFound
from api.schema.enums import RelType
from api.schema.keys import NODE_REFERENCE
from api.schema.queries import node_of
from api.schema.types import Case, Entity, entity
from graph.model import Node, NodeType, Origin
from graph.ranking.inferred import (
    InferredLinkNotFound,
    StoredLink,
    confirm_inferred_link,
    list_inferred_links,
    reject_inferred_link,
)
from graph.ranking.source import CONCEPT_TYPES
from graph.store import GraphStore

__all__ = ["InferredLink", "InferredLinkMutation", "InferredLinkQuery"]

log = logging.getLogger(__name__)

Info = strawberry.Info[Context, None]


@strawberry.type(description="A vocabulary concept a case was linked to by similarity of meaning, not yet confirmed.")
class InferredLink:
    """One stored inferred link with the nodes at its ends."""

    case: Case = strawberry.field(description="The case.")
    concept: Entity = strawberry.field(description="The vocabulary target group, topic or method.")
    via: Entity | None = strawberry.field(
        description="The case's own free-text target group, topic or method the concept resembles."
    )
    similarity: float = strawberry.field(description="Cosine similarity of the two names' embeddings (0 to 1).")
    model: str = strawberry.field(description="The embedding model that found it.")


@strawberry.type(description="What `confirmInferredLink` or `rejectInferredLink` did.")
class CuratedLinkPayload:
    """The case, the concept and the relationship now stored between them."""

    case: Case = strawberry.field(description="The case.")
    concept: Entity = strawberry.field(description="The concept.")
    relationship: RelType = strawberry.field(
        description="TARGETS, ABOUT or USED for a confirmed link; REJECTED_LINK for a rejected one."
    )


async def _named(info: Info, reference: str, field: str, types: tuple[NodeType, ...]) -> Node:
    """The node an argument names, which must be of one of `types`."""
    node = await node_of(info, reference)
    if node is None:
        raise NotFound(f"`{field}` names no node.", field=field)
    if node.type not in types:
        names = ", ".join(node_type.value for node_type in types)
        raise BadUserInput(f"`{field}` is a {node.type.value}, not a {names}.", field=field)
    return node


def _links_with_nodes(
    store: GraphStore, case_id: str | None, concept_id: str | None
) -> list[tuple[StoredLink, dict[str, Node]]]:
    links = list_inferred_links(store, case_id=case_id, concept_id=concept_id)
    nodes = store.get_many(sorted({node_id for link in links for node_id in (link.case, link.concept, link.via)}))
    return [(link, nodes) for link in links if link.case in nodes and link.concept in nodes]


def _inferred_link(link: StoredLink, nodes: dict[str, Node]) -> InferredLink:
    case, via = nodes[link.case], nodes.get(link.via)
    return InferredLink(
        case=Case(node_id=case.id, node=case),
        concept=entity(nodes[link.concept]),
        via=entity(via) if via is not None else None,
        similarity=link.similarity,
        model=link.model,
    )


NodeArgument = Annotated[strawberry.ID, strawberry.argument(description=f"The case. {NODE_REFERENCE}")]
ConceptArgument = Annotated[
    strawberry.ID, strawberry.argument(description=f"The target group, topic or method. {NODE_REFERENCE}")
]


@strawberry.type
class InferredLinkQuery:
    """The inferred links."""

    @strawberry.field(
        description="Stored inferred links, by case and concept key; of one case (`node`) and/or to one concept.",
        permission_classes=[CanRead],
    )
    async def inferred_links(
        self,
        info: Info,
        node: Annotated[
            strawberry.ID | None, strawberry.argument(description=f"Only this case's links. {NODE_REFERENCE}")
        ] = None,
        concept: Annotated[
            strawberry.ID | None, strawberry.argument(description=f"Only links to this concept. {NODE_REFERENCE}")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[InferredLink]:
        case_id = (await _named(info, node, "node", (NodeType.CASE,))).id if node is not None else None
        concept_id = (await _named(info, concept, "concept", CONCEPT_TYPES)).id if concept is not None else None
        found = await info.context.call(_links_with_nodes, case_id, concept_id)
        page = window(
            found, sort_key=lambda pair: (pair[0].case, pair[0].concept), first=first, after=after,
            settings=info.context.settings,
        )
        return Connection.of(page, lambda pair: _inferred_link(*pair))


async def _curate(info: Info, node: str, concept: str, *, confirm: bool) -> CuratedLinkPayload:
    case = await _named(info, node, "node", (NodeType.CASE,))
    target = await _named(info, concept, "concept", CONCEPT_TYPES)
    actor = info.context.caller.actor
    origin = Origin(actor) if actor is not None else Origin()
    write = confirm_inferred_link if confirm else reject_inferred_link
    try:
        edge = await info.context.call(write, case.id, target.id, origin=origin)
    except InferredLinkNotFound as exc:
        raise NotFound(f"No inferred link joins `node` and `concept`: {exc}.", field="concept") from exc
    info.context.loaders.forget()
    log.info(
        "request %s: %s inferred link %s -> %s by %s", info.context.request_id,
        "confirmed" if confirm else "rejected", case.id, target.id, actor,
    )
    return CuratedLinkPayload(case=Case(node_id=case.id, node=case), concept=entity(target), relationship=edge.type)


@strawberry.type
class InferredLinkMutation:
    """Curators decide on inferred links."""

    @strawberry.mutation(
        description="Confirm an inferred link: it becomes a stated link (TARGETS, ABOUT or USED) that re-ingesting "
        "the case keeps, recorded in the history under the caller.",
        permission_classes=[CanWrite],
    )
    async def confirm_inferred_link(self, info: Info, node: NodeArgument, concept: ConceptArgument) -> CuratedLinkPayload:
        return await _curate(info, node, concept, confirm=True)

    @strawberry.mutation(
        description="Reject an inferred link: it is removed and never inferred again for this case, whatever model "
        "embeds it; recorded in the history under the caller.",
        permission_classes=[CanWrite],
    )
    async def reject_inferred_link(self, info: Info, node: NodeArgument, concept: ConceptArgument) -> CuratedLinkPayload:
        return await _curate(info, node, concept, confirm=False)
