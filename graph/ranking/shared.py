"""Graph signal: organisations the problem names that took part in the case.

A planner who writes "together with NAV" or "like Region Skåne did" gets the cases those
organisations took part in; the reason names the organisation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graph.model import Node, NodeType
from graph.ranking.concepts import name_index
from graph.ranking.documents import CaseDoc
from graph.ranking.problem import Problem
from graph.ranking.reasons import Reason, ReasonKind
from graph.ranking.signals import SignalScores
from graph.ranking.source import CaseSource

__all__ = ["OrganisationSignal"]


class OrganisationSignal:
    """The share of the organisations named in the problem that took part in the case."""

    name = "graph"

    def score(self, problem: Problem, docs: Sequence[CaseDoc], source: CaseSource, *, lang: str) -> SignalScores:
        """1 per named organisation that took part, over the organisations named."""
        catalogue = source.concepts()
        organisations = {o.id for o in catalogue.organisations}
        named = sorted(name_index(catalogue).named_in(problem.keys) & organisations)
        if not named:
            return SignalScores.empty(len(docs))
        def shared_of(doc: CaseDoc) -> list[Node]:
            linked = {link.node.id: link.node for link in doc.links if link.node.type is NodeType.ORGANISATION}
            return [linked[o] for o in named if o in linked]

        values = np.array([len(shared_of(doc)) for doc in docs], dtype=np.float64) / len(named)

        def explain(position: int) -> tuple[Reason, ...]:
            weight = round(1 / len(named), 4)
            return tuple(
                Reason(ReasonKind.ORGANISATION, node.label_in(lang), weight, node_id=node.id) for node in shared_of(docs[position])
            )

        return SignalScores(values, explain)
