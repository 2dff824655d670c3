"""The five seed articles as the documents a municipality has: saved web pages, Word files and PDFs.

The web pages wrap the seed text in site navigation, a cookie notice, a related-links
box and a footer (written here), as a browser would save them; the Word files are
written with python-docx and the PDFs with fpdf2 (Debian's DejaVu TrueType font, installed
by `scripts/ensure-chromium` with the browser when it is missing).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import docx
from fpdf import FPDF

from tests.visualisation.conftest import ENSURE_CHROMIUM
from tests.visualisation.conftest import _ensure as ensure_installed

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Seed:
    """One seed article: its file, publisher, date where known, the lines that are page chrome, and its cases."""

    file: str
    publisher: str
    published: str | None
    chrome: tuple[str, ...]
    cases: tuple[str, ...]

    def blocks(self) -> list[str]:
        """Title first, then the paragraphs of the article (page chrome left out)."""
        text = (SEEDS / self.file).read_text(encoding="utf-8")
        blocks = [" ".join(block.split()) for block in text.split("\n\n")]
        return [block for block in blocks if block and block not in self.chrome]


SEED_ARTICLES = (
    Seed("000_52e144e7d5a7f9c3.txt", "Ekonomistyrningsverket", None, (),
         ("se-borlange-familjehem-barnperspektiv", "se-arbetsformedlingen-kundresor-2013")),
    Seed("001_dc3db4613a8b0774.txt", "Kvalitetsmagasinet", None, (), ("se-skl-svid-innovationsguiden-2015",)),
    Seed("002_131aac447e12df77.txt", "Kommunförbundet Skåne", "2018-05-29", (),
         ("se-kfsk-boss-anvandardriven-innovation-2017", "se-angelholm-skolnarvaro-nyanlanda-2017")),
    Seed("003_84e9529b3af9f463.txt", "Novari IKS", None, ("Accessibility Tools",),
         ("no-trondelag-novari-utdanningsvalg", "no-vestfold-telemark-radgivning-kartlegging")),
    Seed("004_e4704a5786bc6801.txt", "Sveriges Kommuner och Regioner", "2022-09-02", ("Publicerad 2 september 2022",),
         ("se-skl-forandra-radikalt-2014",)),
)

_NAV = ("Start", "Om oss", "Verksamhet", "Nyheter", "Kontakt", "Press", "Jobba hos oss", "English")


def write_html(seed: Seed, path: Path) -> Path:
    """The seed as a saved web page with navigation, cookie notice, related links and footer."""
    title, *paragraphs = seed.blocks()
    nav = "".join(f'<li><a href="/{item.lower().replace(" ", "-")}/">{html.escape(item)}</a></li>' for item in _NAV)
    date = f'<meta name="date" content="{seed.published}"><meta property="article:published_time" content="{seed.published}">' if seed.published else ""
    time = f'<p class="meta">Publicerad <time datetime="{seed.published}">{seed.published}</time></p>' if seed.published else ""
    body = "".join(f"<p>{html.escape(paragraph)}</p>\n" for paragraph in paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{html.escape(title)} | {html.escape(seed.publisher)}</title>
<meta property="og:title" content="{html.escape(title)}"><meta property="og:site_name" content="{html.escape(seed.publisher)}">{date}
<link rel="stylesheet" href="/static/site.css"></head>
<body>
<div class="cookie-banner"><p>Vi använder kakor för att webbplatsen ska fungera. <a href="/kakor/">Läs mer om kakor</a></p><button>Jag förstår</button></div>
<header class="site-header"><a class="logo" href="/">{html.escape(seed.publisher)}</a>
<nav aria-label="Huvudmeny"><ul>{nav}</ul></nav>
<form role="search" action="/sok/"><input name="q" placeholder="Sök på webbplatsen"><button>Sök</button></form></header>
<nav class="breadcrumbs"><a href="/">Start</a> / <a href="/nyheter/">Nyheter</a> / {html.escape(title)}</nav>
<main><article><h1>{html.escape(title)}</h1>{time}
{body}</article>
<aside class="related"><h2>Relaterat</h2><ul><li><a href="/nyheter/">Fler nyheter</a></li><li><a href="/kalender/">Kalender</a></li></ul></aside></main>
<footer class="site-footer"><p>{html.escape(seed.publisher)} · Box 100 · 100 00 Stad · Telefon 000-000 00 00</p>
<ul><li><a href="/tillganglighet/">Tillgänglighetsredogörelse</a></li><li><a href="/personuppgifter/">Behandling av personuppgifter</a></li>
<li><a href="/om-webbplatsen/">Om webbplatsen</a></li></ul><p>Följ oss på sociala medier</p></footer>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path


def write_docx(seed: Seed, path: Path) -> Path:
    """The seed as a Word document: title property and heading, then one paragraph per block."""
    title, *paragraphs = seed.blocks()
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = seed.publisher
    document.add_heading(title, level=0)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def font_missing() -> str | None:
    """Why the PDFs cannot be written here, or None; installs Debian's fonts-dejavu-core when it is missing."""
    return ensure_installed(ENSURE_CHROMIUM, FONT, "the DejaVu font (fonts-dejavu-core)")


def write_pdf(seed: Seed, path: Path) -> Path:
    """The seed as a PDF with a text layer: title in the metadata and as a heading, paragraphs below."""
    title, *paragraphs = seed.blocks()
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author(seed.publisher)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=11)
    for paragraph in paragraphs:
        pdf.ln(4)
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
