"""How much of the hand-written seed cases `behovsgraf draft` recovers from the seed articles, per document.

Run with `python -m bench.drafts [--held-out] [--write]`. The five seed articles are written as saved web
pages (navigation, cookie notice, footer), Word files and PDFs (`tests.ingest.seed_documents`),
drafted into a fresh embedded store, and compared with `data/samples/seed-cases.yaml`
(`tests.ingest.seed_recovery`). Prints the per-document table and every missed value with where
the article says it; `--held-out` adds the same extraction on the 139 case texts of data/eval/domains.yaml and
extra.yaml (their titles, summaries and needs, written without names of persons): how many methods and target
groups the drafts name by name and in other words, how many of each the hand-written cases list, and in how many
texts the person rules found a name. `--write` puts it all into docs/drafts.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import yaml

from graph.backends.embedded import EmbeddedStore
from graph.model import NodeType
from graph.ranking.embedding import default_embedder
from ingest.draft import _broader, _known_names, _nodes, draft_case, redact_persons
from ingest.readers.articles import Article, Paragraph
from ingest.resolve import Resolver
from ingest.vocabulary import DATA_DIR, load_vocabulary
from tests.ingest.seed_documents import font_missing
from tests.ingest.seed_recovery import draft_seeds, measure, misses_table, recovery_table, recovered

HELD_OUT = ("eval/domains.yaml", "eval/extra.yaml")

DOCS = Path(__file__).resolve().parent.parent / "docs" / "drafts.md"

INTRO = """\
How to read this. Each seed article is drafted from three documents: the page a browser saves (with the site's
navigation, cookie notice, related links and footer), a Word file and a PDF. A cell `a/b (in text: c/d)` says the
draft recovered `a` of the `b` values the hand-written cases in `data/samples/seed-cases.yaml` give for the
article's cases, and `c` of the `d` of them the article itself gives (every word of the value, stemmed, occurs in
the article, or the draft found it in other words). The hand-written cases also hold facts from other public
pages (their `sources`); those are listed below as *not in the document*: no reader of the article alone can
draft them. A value counts as recovered when the draft names the same vocabulary or register node (as ingest
resolves names) or the same words, stemmed; every drafted value has its quote."""


def _article(case: dict[str, object]) -> Article:
    needs = [need if isinstance(need, str) else need["text"] for need in case.get("needs", [])]  # type: ignore[attr-defined,index]
    paragraphs, offset = [], 0
    for number, text in enumerate([str(case["title"]), str(case["summary"]), *needs], start=1):
        text = " ".join(text.split())
        paragraphs.append(Paragraph(text, number, offset))
        offset += len(text) + 2
    return Article(str(case["id"]), paragraphs, title=str(case["title"]))


def held_out() -> str:
    """Methods and target groups drafted by name and in other words from the held-out case texts, and person names."""
    vocabulary = load_vocabulary()
    embedder = default_embedder()
    counts = {(key, how): [0, 0] for key in ("methods", "target_groups") for how in ("by name", "in other words")}
    texts = with_persons = 0
    with EmbeddedStore(":memory:") as store:
        resolver = Resolver(store, vocabulary.nodes, set())
        nodes = _nodes(store, vocabulary)
        broader = _broader(vocabulary)
        is_known = _known_names(vocabulary.nodes, resolver.index)
        for name in HELD_OUT:
            for case in yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))["cases"]:
                if "summary" not in case:
                    continue
                article = _article(case)
                draft = draft_case(article, resolver, nodes, broader, embedder)
                texts += 1
                with_persons += redact_persons(draft, article, is_known) > 0
                confirmed = {fact["field"]: fact["confirmed"] for fact in draft["provenance"]}
                for key, node_type in (("methods", NodeType.METHOD), ("target_groups", NodeType.TARGET_GROUP)):
                    hand = [value["name"] if isinstance(value, dict) else value for value in case.get(key, [])]
                    for position, value in enumerate(draft.get(key, [])):
                        how = "by name" if confirmed[f"{key}[{position}]"] else "in other words"
                        counts[(key, how)][0] += 1
                        counts[(key, how)][1] += bool(recovered([value], hand, resolver, node_type, str(draft["language"])))
    lines = ["| field | found | drafted | listed by the hand-written case |", "|---|---|---:|---:|"]
    for (key, how), (drafted, listed) in counts.items():
        lines.append(f"| {key.replace('_', ' ')} | {how} | {drafted} | {listed} ({listed / max(drafted, 1):.0%}) |")
    return (
        "\n".join(lines)
        + f"\n\nPerson names found (texts written without any): {with_persons} of {texts} texts."
    )


HELD_OUT_INTRO = """\
The same extraction on case texts the drafting was not built on: the titles, summaries and needs of the 139 cases of
`data/eval/domains.yaml` and `extra.yaml`, written in our own words from public pages without names of persons. A
drafted value is *listed* when the hand-written case names the same node; the hand-written lists are short, so an
unlisted value is often still right: read by hand when this section was first written, about three in five of the
values found in other words named the right concept."""


def render(*, with_held_out: bool = False) -> str:
    """The page: the per-document table and the misses, measured now."""
    missing = font_missing()
    if missing:
        raise SystemExit(f"cannot write the PDFs: {missing}")
    with tempfile.TemporaryDirectory() as folder:
        result = measure(draft_seeds(Path(folder)))
    return (
        "# Drafts from the seed articles\n\n"
        f"`python -m bench.drafts{' --held-out' if with_held_out else ''} --write` on {dt.date.today().isoformat()}\n\n"
        f"{INTRO}\n\n## Per document\n\n{recovery_table(result)}\n\n"
        "## What the drafts miss\n\nThe *in the article* column is read by hand (`READINGS` in "
        "`tests/ingest/seed_recovery.py`): *stated* in the article's words, *implied* by what it describes, or "
        f"*not in the document*.\n\n{misses_table(result)}\n"
        + (f"\n## On held-out case texts\n\n{HELD_OUT_INTRO}\n\n{held_out()}\n" if with_held_out else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="store_true", help="also draft the held-out case texts (minutes)")
    parser.add_argument("--write", action="store_true", help="write docs/drafts.md")
    args = parser.parse_args()
    page = render(with_held_out=args.held_out)
    print(page)
    if args.write:
        DOCS.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
