"""What the sign-in routes and form checks refuse with; the pages render these in the reader's language."""

from __future__ import annotations

__all__ = ["AuthPageError"]


class AuthPageError(Exception):
    """A refused sign-in or form: the HTTP status and the interface text keys of its title and message."""

    def __init__(self, status: int, title_key: str, text_key: str) -> None:
        super().__init__(text_key)
        self.status = status
        self.title_key = title_key
        self.text_key = text_key
