"""Prior-work ranking: which stored cases worked on the problem a planner describes, and why.

Candidates and case documents come from a `CaseSource` (`source.py`); each signal scores the
candidates in its own module behind one protocol (`signals.py`): semantic sentence pairs
(`semantic.py`), rare words (`words.py`), vocabulary concepts stated or inferred (`concepts.py`),
organisations named in the problem (`shared.py`) and the case's own title (`title.py`). `rank.py`
mixes them, calibrates a confidence and keeps the reasons; `explain.py` words them for the reader.
The CLI, GraphQL and the pages call these same functions.
"""

from graph.ranking.catalogue import CaseCounts, SearchHit, case_counts, filter_cases, search
from graph.ranking.filters import CaseFilter
from graph.ranking.rank import Confidence, Hit, NeedHit, PriorWork, prior_work, related_cases, similar_needs
from graph.ranking.reasons import Reason, ReasonKind

__all__ = [
    "CaseCounts",
    "CaseFilter",
    "Confidence",
    "Hit",
    "NeedHit",
    "PriorWork",
    "Reason",
    "ReasonKind",
    "SearchHit",
    "case_counts",
    "filter_cases",
    "prior_work",
    "related_cases",
    "search",
    "similar_needs",
]
