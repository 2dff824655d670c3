"""Limits on the shape of a query, measured in one pass that counts each fragment once.

A query's depth, aliases, fragment spreads and cost are measured as if every
fragment were written out in place, because that is the work execution does. A
fragment spread twice in a fragment spread twice ... doubles that work at every
level, so a naive walk that expands fragments takes exponential time before it
refuses anything. Here each fragment's shape is computed once and reused wherever
it is spread, so measuring is linear in the size of the document.

Introspection fields (`__schema`, `__type`) add no depth: the nesting of type references
is the schema's, and clients such as GraphiQL ask for it. They count for the rest.

Cost is how many list items a query can ask for: the page size of every list
field (its `first`; the default page size when absent; the largest page size when
it comes from a variable), multiplied down each path, summed over all lists.

>>> from graphql import build_schema, parse
>>> schema = build_schema("type Query { items(first: Int): [Item] } type Item { items(first: Int): [Item] }")
>>> document = parse("{ ...A } fragment A on Query { items(first: 5) { ...B ...B } } "
...                  "fragment B on Item { items(first: 2) { __typename } }")
>>> measure(schema, document.definitions[0], _fragments(document), default_page=20, max_page=100)
Shape(depth=2, aliases=0, spreads=3, cost=25)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from api.schema.errors import ErrorCode

__all__ = ["OffLoopValidation", "QueryLimits", "Shape", "check_limits", "measure"]


@dataclass(frozen=True, slots=True)
class Shape:
    """What a selection asks for once its fragments are written out (cost at a factor of one)."""

    depth: int = 0
    aliases: int = 0
    spreads: int = 0
    cost: int = 0

    def beside(self, other: Shape) -> Shape:
        """Two selections in the same selection set."""
        return Shape(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.spreads + other.spreads,
            self.cost + other.cost,
        )


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """The largest shape a query may have, and the page sizes its cost is counted with."""

    max_depth: int
    max_aliases: int
    max_spreads: int
    max_cost: int
    default_page: int
    max_page: int


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class _Measurer:
    """Measures selection sets; each fragment's shape is remembered after its first use."""

    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode], default_page: int, max_page: int
    ) -> None:
        self.schema, self.fragments = schema, fragments
        self.default_page, self.max_page = default_page, max_page
        self.known: dict[str, Shape] = {}
        self.open: set[str] = set()

    def page(self, field: GraphQLField, node: FieldNode) -> int:
        """How many items one call of the field returns at most (1 for fields without `first`)."""
        if "first" not in field.args:
            return 1
        given = next((arg.value for arg in node.arguments or () if arg.name.value == "first"), None)
        if isinstance(given, IntValueNode):
            return max(1, min(int(given.value), self.max_page))
        if isinstance(given, VariableNode):
            return self.max_page
        return self.default_page

    def selections(self, selections: SelectionSetNode | None, parent: Any) -> Shape:
        shape = Shape()
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                shape = shape.beside(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                shape = shape.beside(self.selections(selection.selection_set, target))
            elif isinstance(selection, FragmentSpreadNode):
                spread = self.fragment(selection.name.value)
                shape = shape.beside(Shape(spread.depth, spread.aliases, spread.spreads + 1, spread.cost))
        return shape

    def field(self, node: FieldNode, parent: Any) -> Shape:
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        field = fields.get(node.name.value)
        aliases = 1 if node.alias is not None else 0
        if field is None:  # introspection, or an unknown field other rules report: no pages, same walk
            page, own, inner = 1, 0, self.selections(node.selection_set, None)
        else:
            page = self.page(field, node)
            own = page if "first" in field.args else 0
            inner = self.selections(node.selection_set, get_named_type(field.type))
        counts_depth = node.selection_set is not None and not node.name.value.startswith("__")
        return Shape(
            depth=inner.depth + 1 if counts_depth else 0,
            aliases=inner.aliases + aliases,
            spreads=inner.spreads,
            cost=own + page * inner.cost,
        )

    def fragment(self, name: str) -> Shape:
        """A fragment's shape; unknown and cyclic fragments measure empty (other rules refuse them)."""
        if name in self.known:
            return self.known[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.open:
            return Shape()
        self.open.add(name)
        shape = self.selections(definition.selection_set, self.schema.get_type(definition.type_condition.name.value))
        self.open.discard(name)
        self.known[name] = shape
        return shape


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    *,
    default_page: int,
    max_page: int,
) -> Shape:
    """The shape of one operation, in time linear in the document's size."""
    root = schema.get_root_type(operation.operation)
    return _Measurer(schema, fragments, default_page, max_page).selections(operation.selection_set, root)


def check_limits(schema: GraphQLSchema, document: DocumentNode, limits: QueryLimits) -> list[GraphQLError]:
    """LIMIT_EXCEEDED errors for every operation of `document` whose shape is over `limits`."""
    fragments = _fragments(document)
    errors: list[GraphQLError] = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        shape = measure(schema, operation, fragments, default_page=limits.default_page, max_page=limits.max_page)
        for message in _over(shape, limits):
            errors.append(GraphQLError(message, operation, extensions={"code": ErrorCode.LIMIT_EXCEEDED.value}))
    return errors


def _over(shape: Shape, limits: QueryLimits) -> list[str]:
    messages = []
    if shape.spreads > limits.max_spreads:
        messages.append(
            f"The query spreads fragments {shape.spreads:,} times once they are written out; "
            f"the limit is {limits.max_spreads:,}."
        )
    if shape.depth > limits.max_depth:
        messages.append(f"The query nests fields {shape.depth} deep; the limit is {limits.max_depth}.")
    if shape.aliases > limits.max_aliases:
        messages.append(f"The query uses {shape.aliases:,} aliases; the limit is {limits.max_aliases}.")
    if shape.cost > limits.max_cost:
        messages.append(
            f"The query may return about {shape.cost:,} objects; the limit is {limits.max_cost:,}. "
            "Ask for smaller pages (`first`) or fewer nested lists."
        )
    return messages


def _unnamed_choice(document: DocumentNode, operation_name: str | None) -> list[GraphQLError]:
    """An error when the document holds several operations and the request names none of them."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) < 2 or operation_name:
        return []
    return [
        GraphQLError(
            f"The document holds {len(operations)} operations; say which one to run with `operationName`.",
            operations,
            extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value},
        )
    ]


class OffLoopValidation(SchemaExtension):
    """Validate in a worker thread, after the linear shape check, so no query holds up the event loop.

    Queries over the limits are refused without running the other validation rules,
    whose cost grows with the written-out size of the query.
    """

    def __init__(self, limits: QueryLimits) -> None:
        self.limits = limits

    async def on_validate(self) -> AsyncIterator[None]:
        """Set the validation errors before strawberry would validate on the loop itself."""
        context = self.execution_context
        context.pre_execution_errors = await anyio.to_thread.run_sync(self._validate, context)
        yield

    def _validate(self, context: ExecutionContext) -> list[GraphQLError]:
        document = context.graphql_document
        if document is None:
            return []
        schema = context.schema._schema
        # strawberry keeps the name the request gave only here; `operation_name` falls back to the first one
        requested = context._provided_operation_name
        refusals = check_limits(schema, document, self.limits) or _unnamed_choice(document, requested)
        if refusals:
            return refusals
        return validate_document(schema, document, tuple(context.validation_rules))
