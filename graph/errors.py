"""One exception root for the domain; the API maps each kind to an HTTP status in one place."""

from __future__ import annotations

from collections.abc import Sequence


class RadixError(Exception):
    """Base of every error the domain raises on purpose."""


class EntityNotFound(RadixError):
    """An id that names no entity (HTTP 404)."""

    def __init__(self, ident: str, closest: Sequence[tuple[str, str]] = ()) -> None:
        self.ident = ident
        self.closest = list(closest)
        hint = f"; closest: {', '.join(f'{i} ({label})' for i, label in self.closest)}" if self.closest else ""
        super().__init__(f"no entity with id {ident!r}{hint}")


class InvalidQuery(RadixError):
    """A query that cannot be answered as asked (HTTP 422): the message says what would be right."""

    def __init__(self, message: str, closest: Sequence[tuple[str, str]] = ()) -> None:
        self.closest = list(closest)
        super().__init__(message)


class UnresolvedSite(InvalidQuery):
    """A site name that matches no label or synonym."""

    def __init__(self, site: str, closest: Sequence[tuple[str, str]]) -> None:
        self.site = site
        names = ", ".join(f"'{label}'" for _, label in closest) or "none"
        super().__init__(f"unknown site {site!r}; closest known sites: {names}", closest)


class UnknownKind(InvalidQuery):
    """A finding kind outside the fixed list."""

    def __init__(self, kind: str, allowed: Sequence[str]) -> None:
        self.kind = kind
        self.allowed = list(allowed)
        super().__init__(f"unknown finding kind {kind!r}; allowed kinds: {', '.join(allowed)}")


class GraphInvalid(RadixError):
    """The knowledge failed validation and cannot be served."""

    def __init__(self, violations: Sequence[object]) -> None:
        self.violations = list(violations)
        shown = "\n".join(f"  {v}" for v in self.violations[:20])
        more = f"\n  ... and {len(self.violations) - 20} more" if len(self.violations) > 20 else ""
        super().__init__(f"{len(self.violations)} validation violation(s):\n{shown}{more}")
