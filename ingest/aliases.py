"""An index from every name, label and alias of a node to its id, per node type.

Names are compared normalised (case, dashes, spaces) first, then folded (`fold`:
diacritics, ø/æ too), so "Trøndelag fylkeskommune", "Trondelag Fylkeskommune" and
"TRØNDELAG FYLKESKOMMUNE" meet, while "Håbo kommun" still prefers Håbo to Habo;
last with Nordic letters spelled out (`transliterate`), so the old spelling
"Haabo kommun" meets Håbo and not Habo.

Examples
--------
>>> from graph.model import Node, NodeType
>>> index = AliasIndex()
>>> index.add(Node("organisation:skr", NodeType.ORGANISATION, {"name": "Sveriges Kommuner och Regioner", "aliases": ["SKL"]}))
>>> index.lookup(NodeType.ORGANISATION, "Sveriges Kommuner och Landsting (SKL)")
({'organisation:skr'}, 'SKL')
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from graph.algorithms.merge import MERGED_ALIASES
from graph.ids import fold, normalise_name, transliterate
from graph.model import LANGUAGES, Node, NodeType

__all__ = ["FORMER_NAMES", "AliasIndex", "former_names_of", "names_of", "variants"]

FORMER_NAMES = "former_names"
"""The property with the names a body, or one merged into it, had before ("Kristiania kommune")."""

_PARENTHESIS = re.compile(r"^(?P<base>.*?)\s*\((?P<inner>[^()]+)\)\s*$")


def names_of(node: Node) -> Iterator[str]:
    """Every name the node is known by: name/title/text, labels per language, aliases, merged and former names."""
    for key in ("name", "title", "text", *(f"label_{lang}" for lang in LANGUAGES)):
        value = node.props.get(key)
        if isinstance(value, str) and value:
            yield value
    for key in ("aliases", MERGED_ALIASES, FORMER_NAMES):
        aliases = node.props.get(key)
        if isinstance(aliases, list):
            yield from (alias for alias in aliases if alias)


def former_names_of(node: Node) -> list[str]:
    """The names the node's body, or one merged into it, had before; none for most nodes."""
    value = node.props.get(FORMER_NAMES)
    return [name for name in value if name] if isinstance(value, list) else []


def variants(name: str) -> list[str]:
    """The spellings a name in input is looked up by: itself, then without and inside parentheses.

    >>> variants("Digitaliseringsdirektoratet (Stimulab)")
    ['Digitaliseringsdirektoratet (Stimulab)', 'Digitaliseringsdirektoratet', 'Stimulab']
    """
    found = [name]
    match = _PARENTHESIS.match(name)
    if match:
        found += [match["base"], match["inner"]]
    return [variant for variant in found if variant.strip()]


class AliasIndex:
    """Folded names -> node ids, kept separately for each node type."""

    def __init__(self, nodes: Iterable[Node] = ()) -> None:
        self._exact: dict[NodeType, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._folded: dict[NodeType, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._spelled: dict[NodeType, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for node in nodes:
            self.add(node)

    def add(self, node: Node) -> None:
        """Register every name of `node`."""
        for name in names_of(node):
            self.add_name(node.type, name, node.id)

    def add_name(self, node_type: NodeType, name: str, node_id: str) -> None:
        """Register one more name for a node."""
        self._exact[node_type][normalise_name(name)].add(node_id)
        self._folded[node_type][fold(name)].add(node_id)
        self._spelled[node_type][transliterate(name)].add(node_id)

    def lookup(self, node_type: NodeType, name: str) -> tuple[set[str], str | None]:
        """The ids the name (or a variant of it) stands for, and the variant that matched.

        The first variant that matches anything wins; an empty set means no match,
        more than one id means the name is ambiguous.
        """
        exact, folded = self._exact.get(node_type, {}), self._folded.get(node_type, {})
        spelled = self._spelled.get(node_type, {})
        for variant in variants(name):
            ids = exact.get(normalise_name(variant)) or folded.get(fold(variant)) or spelled.get(transliterate(variant))
            if ids:
                return set(ids), variant
        return set(), None
