"""How much of the hand-written seed cases the drafts of the seed articles recover, document by document.

The hand-written cases in `data/samples/seed-cases.yaml` were written from the seed articles
and from other public pages (their comments and `sources` say which). A hand-written value
counts as recovered when the draft names the same node (as ingest would resolve it) or the
same words, stemmed. Two scopes are measured: *all* the hand-written values, and those *in
text*: the values whose every word (stemmed) occurs in the article, or that the draft
recovered (so a value the article states in other words than the hand-written ones counts
where it was found).

`python -m bench.drafts` prints the per-document table and the value-by-value misses
(`docs/drafts.md` with `--write`); `tests/ingest/test_draft.py` asserts the totals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph.backends.embedded import EmbeddedStore
from graph.ids import normalise_name
from graph.model import NodeType
from graph.ranking.language import lemmas
from ingest.draft import draft_paths
from ingest.readers.documents import read_document
from ingest.resolve import Resolver
from ingest.vocabulary import DATA_DIR, load_vocabulary
from tests.ingest.seed_documents import SEED_ARTICLES, Seed, write_docx, write_html, write_pdf

__all__ = [
    "FIELDS",
    "READINGS",
    "SCOPES",
    "SEED_CASES",
    "WRITERS",
    "Recovery",
    "draft_seeds",
    "expected",
    "is_absent",
    "measure",
    "mentioned",
    "misses_table",
    "recovered",
    "recovery_table",
]

SEED_CASES: dict[str, dict[str, object]] = {
    case["id"]: case for case in yaml.safe_load((DATA_DIR / "samples" / "seed-cases.yaml").read_text())["cases"]
}
WRITERS: dict[str, Callable[[Seed, Path], Path]] = {".html": write_html, ".docx": write_docx, ".pdf": write_pdf}
FIELDS = (("organisations", NodeType.ORGANISATION), ("methods", NodeType.METHOD), ("target_groups", NodeType.TARGET_GROUP))
SCOPES = ("all", "in text")

NOT_IN_DOCUMENT = "not in the document"
READINGS: Mapping[tuple[str, str, str], str] = {
    # (seed file prefix, field, hand-written value) -> where a reader finds it in the article (or that it is
    # not there), read by hand from tests/data/seeds/. Only the misses of the word test need a reading; the
    # value's source page is named where the article does not hold it (seed-cases.yaml, `sources`).
    ("000", "organisations", "Transformator Design"): f"{NOT_IN_DOCUMENT} (Transformator Design's own case page)",
    ("000", "methods", "barnperspektiv"): "implied: «utifrån barnens perspektiv» (the Borlänge paragraph)",
    ("000", "methods", "kundresor"): f"{NOT_IN_DOCUMENT} (Transformator Design's case page)",
    ("000", "methods", "medarbetarresa"): f"{NOT_IN_DOCUMENT} (Transformator Design's case page)",
    ("000", "methods", "djupintervjuer"): f"{NOT_IN_DOCUMENT} («förstå … på djupet» is no interview; Transformator's page)",
    ("000", "methods", "tjänstekartor"): f"{NOT_IN_DOCUMENT} (Transformator Design's case page)",
    ("000", "methods", "tjänstedesign"): f"{NOT_IN_DOCUMENT} (Transformator Design's and Kvalitetsmagasinet's pages)",
    ("000", "target_groups", "barn som ska placeras"): "implied: «familjehemsplacering … intervjua barn från målgruppen»",
    ("000", "target_groups", "socialsekreterare"): "implied: «På socialtjänsten i Borlänge kommun har man arbetat»",
    ("000", "target_groups", "arbetsförmedlare"): "implied: «medarbetare och chefer på … lokala kontor» (of Arbetsförmedlingen)",
    ("001", "organisations", "Göteborgs Stad"): f"{NOT_IN_DOCUMENT} (Vinnova's project page)",
    ("001", "organisations", "Uddevalla kommun"): f"{NOT_IN_DOCUMENT} (Vinnova's project page)",
    ("001", "methods", "tjänstedesign"): "implied: «designmetodiken går ut på att … få en empatisk förståelse för dem som använder välfärdstjänsterna» (the hand-written value is from SKL's and SVID's pages)",
    ("001", "target_groups", "kommunanställda"): f"{NOT_IN_DOCUMENT} (SVID's page on the programme's project groups)",
    ("002", "methods", "lokala handlingsplaner"): "stated: «Varje kommun har i sina handlingsplaner …», «det lokala förändringsarbetet»",
    ("002", "methods", "erfarenhetsutbyte"): "implied: «förväntas sprida kunskapen till de övriga deltagarna», «presentera resultat»",
    ("002", "methods", "tjänstedesign"): "stated: «användardriven innovation och tjänstedesign»",
    ("003", "methods", "gjennomgang av tidligere rapporter og tiltak"): "implied: «starte innsiktsarbeidet med å se på hva som er gjort før»",
    ("003", "target_groups", "elever i videregående skole"): "stated: «intervju av elever i grunnskole og videregående»",
    ("004", "target_groups", "chefer i kommunen"): "implied: «Ledaren får en ny roll», «hur man leder verksamheten»",
}
"""The hand-read place in the article of each hand-written value the drafts missed when this module was written."""


def is_absent(prefix: str, key: str, name: str) -> bool:
    """Whether the hand-read article does not hold the hand-written value at all (it came from another page)."""
    return READINGS.get((prefix, key, name), "").startswith(NOT_IN_DOCUMENT)


def expected(seed: Seed, key: str) -> list[str]:
    """The hand-written values of `key` of the seed's cases, each once."""
    values = [value for case_id in seed.cases for value in SEED_CASES[case_id].get(key, [])]  # type: ignore[attr-defined]
    names = [value["name"] if isinstance(value, dict) else value for value in values]
    return list(dict.fromkeys(names))


def recovered(wanted: Sequence[str], drafted: Sequence[str], resolver: Resolver, node_type: NodeType, lang: str) -> list[str]:
    """The wanted names that one of the drafted names stands for: the same node, the same name or the same stems."""

    def keys(name: str) -> set[object]:
        ids, _ = resolver.index.lookup(node_type, name)
        return {normalise_name(name), tuple(lemmas(name, lang)), *ids}

    drafted_keys = set().union(*(keys(name) for name in drafted)) if drafted else set()
    return [name for name in wanted if keys(name) & drafted_keys]


def mentioned(seed: Seed, names: Sequence[str], found: set[str], lang: str) -> list[str]:
    """The names the article itself gives: all their words (stemmed) occur in it, or the draft recovered them."""
    words = set(lemmas(" ".join(seed.blocks()), lang))
    return [name for name in names if set(lemmas(name, lang)) <= words or name in found]


def draft_seeds(folder: Path) -> dict[tuple[str, str], dict[str, object]]:
    """Write every seed as a web page, a Word file and a PDF under `folder`, draft them all, and read the drafts.

    Keys are (seed file prefix, document suffix); the store is a fresh embedded one.
    """
    sources = [writer(seed, folder / f"{seed.file[:3]}{suffix}") for seed in SEED_ARTICLES for suffix, writer in WRITERS.items()]
    with EmbeddedStore(folder / "store.db") as store:
        report = draft_paths(store, sources, folder / "drafts")
    if report.problems or len(report.written) != len(sources):
        raise RuntimeError(f"drafting the seeds failed: {report.problems}")
    found = {}
    for path in report.written:
        case = read_document(path).data["cases"][0]
        found[(path.stem[:3], Path(case["provenance"][0]["document"]).suffix)] = case
    return found


@dataclass
class Recovery:
    """Per document and format: (hits, wanted) for each field and scope, the misses, and the totals."""

    rows: list[tuple[Seed, str, dict[tuple[str, str], tuple[int, int]]]] = field(default_factory=list)
    misses: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    totals: dict[tuple[str, str], list[int]] = field(default_factory=lambda: {(k, s): [0, 0] for k, _ in FIELDS for s in SCOPES})
    unquoted: list[str] = field(default_factory=list)

    def ceiling(self, key: str) -> float:
        """The share of `key` a draft could recover at most: all hand-written values less those not in the document."""
        _, wanted = self.totals[(key, "all")]
        absent = sum(len(formats) for (prefix, field_key, name), formats in self.misses.items() if field_key == key and is_absent(prefix, key, name))
        return (wanted - absent) / wanted if wanted else 1.0

    def missed(self, key: str, *, absent: bool) -> list[tuple[str, str]]:
        """(seed file prefix, value) of the misses of `key` the article does not hold (`absent`) or does."""
        return sorted((prefix, name) for prefix, field_key, name in self.misses if field_key == key and is_absent(prefix, key, name) == absent)

    def share(self, key: str, scope: str) -> float:
        """Recovered share of `key` in `scope` over every document and format."""
        hits, wanted = self.totals[(key, scope)]
        return hits / wanted if wanted else 1.0


def _names(values: object) -> list[str]:
    return [value["name"] if isinstance(value, dict) else str(value) for value in values or []]  # type: ignore[attr-defined]


def measure(drafts: Mapping[tuple[str, str], Mapping[str, object]]) -> Recovery:
    """Compare every draft with its seed's hand-written cases."""
    with EmbeddedStore(":memory:") as store:
        resolver = Resolver(store, load_vocabulary().nodes, set())
    result = Recovery()
    for seed in SEED_ARTICLES:
        for suffix in WRITERS:
            case = drafts[(seed.file[:3], suffix)]
            lang = str(case["language"])
            quoted = {fact["field"] for fact in case["provenance"] if fact["quote"]}  # type: ignore[attr-defined,index]
            cells: dict[tuple[str, str], tuple[int, int]] = {}
            for key, node_type in FIELDS:
                drafted = _names(case.get(key))
                result.unquoted += [f"{seed.file[:3]}{suffix} {key}[{i}]" for i in range(len(drafted)) if f"{key}[{i}]" not in quoted]
                everything = expected(seed, key)
                found = set(recovered(everything, drafted, resolver, node_type, lang))
                for scope, wanted in (("all", everything), ("in text", mentioned(seed, everything, found, lang))):
                    hits = sum(1 for name in wanted if name in found)
                    cells[(key, scope)] = (hits, len(wanted))
                    result.totals[(key, scope)][0] += hits
                    result.totals[(key, scope)][1] += len(wanted)
                for name in everything:
                    if name not in found:
                        result.misses.setdefault((seed.file[:3], key, name), []).append(suffix[1:])
            result.rows.append((seed, suffix[1:], cells))
    return result


def recovery_table(result: Recovery) -> str:
    """The per-document table: document × format × organisations / methods / target groups, all and in text."""
    lines = ["| article | format | organisations | methods | target groups |", "|---|---|---|---|---|"]
    for seed, suffix, cells in result.rows:
        parts = [" (in text: ".join(f"{h}/{w}" for h, w in (cells[(key, s)] for s in SCOPES)) + ")" for key, _ in FIELDS]
        lines.append(f"| {seed.publisher} | {suffix} | " + " | ".join(parts) + " |")
    lines.append(
        "| all | | "
        + " | ".join(f"{result.share(key, 'all'):.0%} (in text: {result.share(key, 'in text'):.0%})" for key, _ in FIELDS)
        + " |"
    )
    lines.append("| at most, without the values not in the document | | " + " | ".join(f"{result.ceiling(key):.0%}" for key, _ in FIELDS) + " |")
    return "\n".join(lines)


def misses_table(result: Recovery) -> str:
    """Every hand-written value a draft missed, in which formats, and where (if at all) the article says it."""
    by_prefix = {seed.file[:3]: seed for seed in SEED_ARTICLES}
    lines = ["| article | field | hand-written value | missed in | in the article |", "|---|---|---|---|---|"]
    for (prefix, key, name), formats in sorted(result.misses.items()):
        seed = by_prefix[prefix]
        reading = READINGS.get((prefix, key, name))
        if reading is None:
            lang = str(SEED_CASES[seed.cases[0]]["language"])
            reading = "stated in its words (unread)" if mentioned(seed, [name], set(), lang) else "unread"
        lines.append(f"| {seed.publisher} | {key} | {name} | {', '.join(formats)} | {reading} |")
    return "\n".join(lines)
