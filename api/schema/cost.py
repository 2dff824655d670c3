"""A query cost limit: how many list items a query can ask for, counting nested pages.

Depth and alias limits do not stop `cases(first: 100) { participants(first: 100) {
cases(first: 100) ... } }`, a million objects in ten levels. Before execution this rule
multiplies the page size of every list field (its `first`, the default page size when
absent, the largest page size when it comes from a variable) down each path of the
query, fragments included, sums the items of all lists and refuses the query when the
sum exceeds the limit.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)
from graphql.language import VariableNode
from strawberry.extensions import AddValidationRules

from api.schema.errors import ErrorCode

__all__ = ["CostLimit"]


class CostLimit(AddValidationRules):
    """Refuse queries that may return more than `max_cost` objects (LIMIT_EXCEEDED)."""

    def __init__(self, max_cost: int, default_page: int, max_page: int) -> None:
        rule = _cost_rule(max_cost, default_page, max_page)
        super().__init__([rule])


def _cost_rule(max_cost: int, default_page: int, max_page: int) -> type[ValidationRule]:
    class QueryCost(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            cost = _Counter(self.context, default_page, max_page).cost(node.selection_set, root, 1, frozenset())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"The query may return about {cost:,} objects; the limit is {max_cost:,}. "
                        "Ask for smaller pages (`first`) or fewer nested lists.",
                        node,
                        extensions={"code": ErrorCode.LIMIT_EXCEEDED.value},
                    )
                )

    return QueryCost


class _Counter:
    def __init__(self, context: ValidationContext, default_page: int, max_page: int) -> None:
        self.context, self.default_page, self.max_page = context, default_page, max_page

    def page(self, field: GraphQLField, node: FieldNode) -> int:
        """How many items one call of the field returns at most (1 for fields that are not lists of pages)."""
        if "first" not in field.args:
            return 1
        given = next((arg.value for arg in node.arguments or () if arg.name.value == "first"), None)
        if isinstance(given, IntValueNode):
            return max(1, min(int(given.value), self.max_page))
        if isinstance(given, VariableNode):
            return self.max_page
        return self.default_page

    def cost(self, selections: SelectionSetNode | None, parent: Any, factor: int, seen: frozenset[str]) -> int:
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
                field = fields.get(selection.name.value)
                if field is None:
                    continue  # __typename, or an unknown field other rules report
                multiplied = factor * self.page(field, selection)
                if "first" in field.args:
                    total += multiplied
                total += self.cost(selection.selection_set, get_named_type(field.type), multiplied, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.context.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, target, factor, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    target = self.context.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(fragment.selection_set, target, factor, seen | {selection.name.value})
        return total
