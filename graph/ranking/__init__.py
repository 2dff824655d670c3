"""Prior-work ranking: which stored cases worked on the problem a planner describes, and why.

Candidates and case documents come from a `CaseSource` (`source.py`); signals (words, semantic,
concepts, graph) each score the candidates in their own module; the mix is calibrated to a
confidence and explained with reasons. The CLI, GraphQL and the pages call the same functions.
"""
