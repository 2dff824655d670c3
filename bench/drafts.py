"""How much of the hand-written seed cases `behovsgraf draft` recovers from the seed articles, per document.

Run with `python -m bench.drafts [--write]`. The five seed articles are written as saved web
pages (navigation, cookie notice, footer), Word files and PDFs (`tests.ingest.seed_documents`),
drafted into a fresh embedded store, and compared with `data/samples/seed-cases.yaml`
(`tests.ingest.seed_recovery`). Prints the per-document table and every missed value with where
the article says it; `--write` puts both into docs/drafts.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from tests.ingest.seed_documents import font_missing
from tests.ingest.seed_recovery import draft_seeds, measure, misses_table, recovery_table

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


def render() -> str:
    """The page: the per-document table and the misses, measured now."""
    missing = font_missing()
    if missing:
        raise SystemExit(f"cannot write the PDFs: {missing}")
    with tempfile.TemporaryDirectory() as folder:
        result = measure(draft_seeds(Path(folder)))
    return (
        "# Drafts from the seed articles\n\n"
        f"`python -m bench.drafts --write` on {dt.date.today().isoformat()}\n\n"
        f"{INTRO}\n\n## Per document\n\n{recovery_table(result)}\n\n"
        "## What the drafts miss\n\nThe *in the article* column is read by hand (`READINGS` in "
        "`tests/ingest/seed_recovery.py`): *stated* in the article's words, *implied* by what it describes, or "
        f"*not in the document*.\n\n{misses_table(result)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write docs/drafts.md")
    args = parser.parse_args()
    page = render()
    print(page)
    if args.write:
        DOCS.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
