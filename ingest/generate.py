"""Synthetic case files for tests and benchmarks, drawn from the real vocabulary.

Cases come in Swedish, Norwegian (bokmål and nynorsk), Danish and English; a few
organisations take part in many cases and most in few (a Zipf-like draw), and
target groups, topics, needs and methods come from the vocabulary, so generated
graphs have the shape of real ones. The same seed always gives the same files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from graph.model import Node, NodeType, Role
from ingest.vocabulary import DATA_DIR, load_vocabulary

__all__ = ["CASES_PER_FILE", "GENERATED_PREFIX", "generate_cases", "write_generated"]

CASES_PER_FILE = 5000
GENERATED_PREFIX = "gen-"
"""Every generated case id starts with this, so generated cases are never taken for real ones."""

COUNTRY_LANGUAGES = {"SE": ("sv",), "NO": ("nb", "nb", "nn"), "DK": ("da",)}
_TEMPLATES = {
    "sv": ("{group} och {topic}: vad behöver de?", "Vi ville förstå hur {group} upplever {topic} och prövade {method}.",
           "{group} behöver bättre stöd kring {topic}"),
    "nb": ("{group} og {topic}: hva trenger de?", "Vi ville forstå hvordan {group} opplever {topic} og prøvde {method}.",
           "{group} trenger bedre støtte rundt {topic}"),
    "nn": ("{group} og {topic}: kva treng dei?", "Vi ville forstå korleis {group} opplever {topic} og prøvde {method}.",
           "{group} treng betre støtte kring {topic}"),
    "da": ("{group} og {topic}: hvad har de brug for?", "Vi ville forstå, hvordan {group} oplever {topic}, og afprøvede {method}.",
           "{group} har brug for bedre støtte omkring {topic}"),
    "en": ("{group} and {topic}: what do they need?", "We wanted to understand how {group} experience {topic} and tried {method}.",
           "{group} need better support with {topic}"),
}
_ROLES = tuple(role.value for role in (Role.OWNER, Role.PARTNER, Role.PARTNER, Role.FUNDER, Role.FACILITATOR, Role.PARTICIPANT))
"""Roles to draw from, partners twice as often as the others."""


def _label(node: Node, lang: str) -> str:
    return node.label_in("nb" if lang == "nn" and not node.props.get("label_nn") else lang)


def _zipf_pick(rng: random.Random, items: list[Node]) -> Node:
    """Early items are picked far more often than late ones (rank-frequency ~ 1/rank)."""
    rank = int(len(items) ** rng.random())
    return items[min(rank, len(items) - 1)]


def generate_cases(
    count: int, seed: int, data_dir: Path = DATA_DIR, progress: Callable[[int, int], None] | None = None
) -> list[dict[str, Any]]:
    """`count` synthetic cases in the case-file format; `progress(done, count)` is called every 1,000 cases."""
    rng = random.Random(seed)
    vocabulary = load_vocabulary(data_dir)
    by_type: dict[NodeType, list[Node]] = {}
    for node in vocabulary.nodes:
        by_type.setdefault(node.type, []).append(node)
    organisations = by_type[NodeType.ORGANISATION][:]
    rng.shuffle(organisations)
    groups, topics, methods = by_type[NodeType.TARGET_GROUP], by_type[NodeType.TOPIC], by_type[NodeType.METHOD]
    cases = []
    for number in range(count):
        country = rng.choice(list(COUNTRY_LANGUAGES))
        lang = rng.choice(COUNTRY_LANGUAGES[country]) if rng.random() > 0.05 else "en"
        group, topic, method = rng.choice(groups), rng.choice(topics), rng.choice(methods)
        words = {"group": _label(group, lang), "topic": _label(topic, lang).lower(), "method": _label(method, lang).lower()}
        title, summary, need = (template.format(**words) for template in _TEMPLATES[lang])
        members = {_zipf_pick(rng, organisations).label for _ in range(rng.randint(1, 4))}
        cases.append(
            {
                "id": f"{GENERATED_PREFIX}{seed}-{number:07d}",
                "title": title[0].upper() + title[1:],
                "language": lang,
                "summary": summary,
                "year": rng.randint(2008, 2026),
                "country": country,
                "organisations": [{"name": name, "role": rng.choice(_ROLES)} for name in sorted(members)],
                "target_groups": [group.label],
                "needs": [need[0].upper() + need[1:]],
                "methods": sorted({method.label, rng.choice(methods).label}),
                "topics": [topic.label],
                "sources": [{"url": f"https://example.org/generated/{seed}/{number}", "title": title}],
            }
        )
        if progress and (number + 1) % 1000 == 0:
            progress(number + 1, count)
    if progress:
        progress(count, count)
    return cases


def write_generated(
    folder: Path,
    *,
    cases: int,
    seed: int,
    data_dir: Path = DATA_DIR,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write the generated cases as YAML files of at most `CASES_PER_FILE` cases each."""
    folder.mkdir(parents=True, exist_ok=True)
    generated = generate_cases(cases, seed, data_dir, progress)
    files = []
    for start in range(0, len(generated), CASES_PER_FILE):
        path = folder / f"generated-{seed}-{start // CASES_PER_FILE:04d}.yaml"
        header = f"# Synthetic cases written by `behovsgraf generate --cases {cases} --seed {seed}`; not real.\n"
        body = yaml.safe_dump({"cases": generated[start : start + CASES_PER_FILE]}, allow_unicode=True, sort_keys=False)
        path.write_text(header + body, encoding="utf-8")
        files.append(path)
    return files
