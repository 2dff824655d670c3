"""The model's enums as GraphQL enums, registered once before any type uses them.

`strawberry.enum` registers an enum in place and returns it, so GraphQL fields are
annotated with the model's own enums; importing this module is what registers them.
"""

from __future__ import annotations

import strawberry

from graph.model import NodeType, RelatedKind, RelType, Role

__all__ = ["NodeType", "RelType", "RelatedKind", "Role"]

strawberry.enum(NodeType, name="NodeKind", description="The types of node in the graph.")
strawberry.enum(RelType, name="RelationshipKind", description="The types of edge in the graph.")
strawberry.enum(Role, name="Role", description="An organisation's role in a case.")
strawberry.enum(RelatedKind, name="RelatedKind", description="How one case relates to another.")
