"""Node references as clients have them: a Relay global id, or the stable key itself.

The CLI, the pages, exports and case files all name nodes by key
(`no-trondelag-novari-utdanningsvalg`, `topic:school-attendance-and-absence`);
Relay clients use the opaque global ids. Every argument that names a node takes
either. A value is read as a global id only when it decodes to `Type:key` with a
known node type; anything else is a key.

Examples
--------
>>> from strawberry import relay
>>> key_of(str(relay.GlobalID("Topic", "topic:education")))
('topic:education', 'Topic')
>>> key_of("topic:education")
('topic:education', None)
>>> key_of("no-trondelag-novari-utdanningsvalg")
('no-trondelag-novari-utdanningsvalg', None)
"""

from __future__ import annotations

from strawberry import relay

from api.schema.errors import BadUserInput
from graph.model import NodeType

__all__ = ["NODE_REFERENCE", "expect_key", "key_of"]

NODE_REFERENCE = "A node's key (as in exports and pages) or its global `id`."
_TYPES = {node_type.value for node_type in NodeType}


def key_of(value: str) -> tuple[str, str | None]:
    """(key, type name) of a reference; the type name is None when a key was given."""
    text = value.strip()
    try:
        global_id = relay.GlobalID.from_id(text)
    except ValueError:  # strawberry's GlobalIDValueError: not a global id
        return text, None
    if global_id.type_name in _TYPES and global_id.node_id:
        return global_id.node_id, global_id.type_name
    return text, None


def expect_key(value: str, node_type: NodeType, field: str) -> str:
    """The key of a reference that must name a `node_type`; refuse one that names another type.

    A key names its type by its prefix (`topic:` ...); case keys have none.
    """
    key, type_name = key_of(value)
    if type_name is not None:
        matches = type_name == node_type.value
    elif node_type is NodeType.CASE:
        matches = ":" not in key
    else:
        matches = key.startswith(f"{node_type.prefix}:")
    if not matches:
        raise BadUserInput(f"`{field}` is not the key or id of a {node_type.value}.", field=field)
    return key
