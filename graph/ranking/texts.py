"""What is embedded for each kind of node, and the hash that tells a stored vector is stale.

The source (reading vectors) and the embedding worker (writing them) both use these,
so they always agree on whether a node's vectors are fresh.

Examples
--------
>>> from graph.model import Node, NodeType
>>> case = Node("c", NodeType.CASE, {"title": "Ensomhet blant eldre", "summary": "Vi ringte."})
>>> text_hash, texts = case_texts(case, [])
>>> texts
['Ensomhet blant eldre. Vi ringte.', 'Ensomhet blant eldre', 'Vi ringte.']
>>> text_hash == case_texts(case, [])[0] != case_texts(case, [Node("n", NodeType.NEED, {"text": "Fler samtal"})])[0]
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graph.model import Node
from graph.ranking.documents import case_passages, own_text, passages_hash
from graph.ranking.source import concept_text

__all__ = ["case_texts", "concept_texts", "need_text"]


def case_texts(case: Node, needs: Sequence[Node]) -> tuple[str, list[str]]:
    """(hash, texts) of a case: row 0 its own text, then one per passage in `case_passages` order."""
    own = own_text(case)
    passages = case_passages(case, needs)
    return passages_hash(own, passages), [own, *(passage.text for passage in passages)]


def need_text(need: Node) -> tuple[str, str]:
    """(hash, text) of a need's one vector."""
    text = str(need.props.get("text", "")) or need.label
    return passages_hash(text, ()), text


def concept_texts(nodes: Iterable[Node]) -> dict[str, tuple[str, str]]:
    """(hash, text) of each concept's one vector, by id."""
    texts = {node.id: concept_text(node) for node in nodes}
    return {node_id: (passages_hash(text, ()), text) for node_id, text in texts.items()}
