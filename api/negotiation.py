"""Content negotiation: which of the media types a route offers the client prefers."""

from __future__ import annotations

from collections.abc import Sequence

import mimeparse


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the ``Accept`` header prefers; the first offer when any will do; None when none will.

    >>> negotiate("text/turtle;q=0.9, application/ld+json", ["application/json", "text/turtle", "application/ld+json"])
    'application/ld+json'
    >>> negotiate("*/*", ["application/json", "text/turtle"])
    'application/json'
    >>> negotiate("image/png", ["application/json"]) is None
    True
    """
    if not accept or not accept.strip():
        return offers[0]
    try:
        # mimeparse breaks ties in favour of the last offer; ours are in order of preference.
        best: str = mimeparse.best_match(list(reversed(offers)), accept)
    except (ValueError, mimeparse.MimeTypeParseException):
        return offers[0]  # a malformed header: answer in the default rather than refuse
    return best or None
