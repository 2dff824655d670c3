"""An Atom feed per watch, for intranets and mail tools that subscribe to feeds.

The feed's address carries the watch's feed token, so a feed reader needs no API key;
each entry is one match with the case's title, its confidence and the reasons.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator

from api.watches.store import Match, Watch

__all__ = ["FEED_TITLES", "atom_feed"]

FEED_TITLES = {
    "sv": "Bevakning: {problem}",
    "nb": "Følger med på: {problem}",
    "nn": "Følgjer med på: {problem}",
    "da": "Overvågning: {problem}",
    "en": "Watch: {problem}",
}
_TITLE_LENGTH = 80


def _short(text: str) -> str:
    return text if len(text) <= _TITLE_LENGTH else text[: _TITLE_LENGTH - 1].rstrip() + "…"


def atom_feed(watch: Watch, matches: list[Match], *, base_url: str, feed_url: str, lang: str) -> bytes:
    """The Atom document of a watch's newest matches."""
    feed = FeedGenerator()
    feed.id(f"{base_url}/watches/{watch.id}")
    feed.title(FEED_TITLES.get(lang, FEED_TITLES["en"]).format(problem=_short(watch.problem)))
    feed.link(href=feed_url, rel="self")
    feed.link(href=f"{base_url}/?{urlencode({'q': watch.problem[:500]})}", rel="alternate")
    feed.language(lang)
    feed.updated(_when(matches[0].created_at) if matches else _when(watch.created_at))
    feed.author({"name": "Behovsgraf"})
    for match in reversed(matches):  # feedgen lists entries in reverse order of adding
        entry = feed.add_entry()
        entry.id(f"urn:behovsgraf:match:{match.id}")
        entry.title(f"{match.case_title} ({match.confidence})")
        entry.link(href=f"{base_url}/cases/{match.case_id}")
        entry.updated(_when(match.created_at))
        entry.content("\n".join(match.reasons), type="text")
    return feed.atom_str(pretty=True)


def _when(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)
