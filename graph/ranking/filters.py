"""Which cases a filter lets through (countries, languages, statuses, years, linked concepts, words)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.ranking.documents import CaseDoc
from graph.ranking.language import lemmas
from graph.ranking.words import case_terms

__all__ = ["CaseFilter", "allows"]


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Restricts cases; lists hold node ids (topics ...) or codes (countries, languages, statuses)."""

    text: str | None = None
    topics: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None


def allows(case_filter: CaseFilter | None, doc: CaseDoc) -> bool:
    """Whether the case passes every part of the filter (a concept also matches through a narrower one)."""
    if case_filter is None:
        return True
    linked = {link.node.id for link in doc.links if not link.is_inferred} | {link.node.id for link in doc.broader}
    for wanted in (case_filter.topics, case_filter.target_groups, case_filter.methods, case_filter.organisations, case_filter.places):
        if wanted and not linked & set(wanted):
            return False
    props = doc.case.props
    if case_filter.countries and props.get("country") not in case_filter.countries:
        return False
    if case_filter.languages and props.get("language") not in case_filter.languages:
        return False
    if case_filter.statuses and props.get("status") not in case_filter.statuses:
        return False
    year = props.get("year")
    if case_filter.year_from is not None or case_filter.year_to is not None:
        if not isinstance(year, int):
            return False
        if case_filter.year_from is not None and year < case_filter.year_from:
            return False
        if case_filter.year_to is not None and year > case_filter.year_to:
            return False
    if case_filter.text:
        wanted_words = set(lemmas(case_filter.text))
        if not wanted_words or not wanted_words <= case_terms(doc):
            return False
    return True
