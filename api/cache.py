"""Answers kept serialized: the graph never changes while serving, so a GET answer is computed once.

A bounded LRU of JSON bodies (bytes, written by orjson) keyed by the route and its normalised
parameters, one per app and loaded graph. A hit skips the query, the response model and the
encoding: the handler returns the stored bytes. Errors are raised before anything is stored, so
they are never kept. The routers still declare their response models, for OpenAPI.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import orjson
from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

#: Bounds of one app's cache: answers kept, their total size, and the largest answer worth keeping.
MAX_ENTRIES = 4096
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024
#: where an app keeps its cache (``app.state``); setting it to None empties it
STATE_ATTRIBUTE = "radix_answers"


def to_json(model: BaseModel) -> bytes:
    """The JSON body FastAPI would send for ``model`` as a response model (fields by alias), by orjson."""
    return orjson.dumps(model.model_dump(mode="json", by_alias=True))


class AnswerCache:
    """Serialized answers of one graph, least recently used dropped first.

    >>> cache = AnswerCache(owner=None, max_entries=2)
    >>> for key in ("a", "b", "a", "c"):
    ...     _ = cache.get_or_make(key, lambda: b'{"k":1}')
    >>> sorted(cache.keys()), cache.hits, cache.misses
    (['a', 'c'], 1, 3)
    """

    def __init__(
        self,
        owner: object,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        max_entry_bytes: int = MAX_ENTRY_BYTES,
    ) -> None:
        #: what the answers were computed from (the app's loaded state): a new one starts a new cache
        self.owner = owner
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def keys(self) -> list[Hashable]:
        """The keys kept, least recently used first."""
        with self._lock:
            return list(self._bodies)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._bodies

    def __len__(self) -> int:
        return len(self._bodies)

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The body kept for ``key``, or ``make()``'s (kept when it fits). An exception in ``make`` keeps nothing."""
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
                self.hits += 1
                return body
            self.misses += 1
        body = make()
        if len(body) <= self.max_entry_bytes:
            with self._lock:
                if key not in self._bodies:
                    self._bodies[key] = body
                    self.size += len(body)
                while len(self._bodies) > self.max_entries or self.size > self.max_bytes:
                    _, dropped = self._bodies.popitem(last=False)
                    self.size -= len(dropped)
        return body


def answers(request: Request) -> AnswerCache:
    """The answer cache of this app's loaded graph (made on first use, remade if the graph is replaced)."""
    held = request.app.state
    owner = held.radix
    cache: AnswerCache | None = getattr(held, STATE_ATTRIBUTE, None)
    if cache is None or cache.owner is not owner:
        cache = AnswerCache(owner)
        setattr(held, STATE_ATTRIBUTE, cache)
    return cache


def cached_json(request: Request, key: tuple[Hashable, ...], make: Callable[[], BaseModel]) -> Response:
    """The JSON response for ``key`` (route name first, then its normalised parameters), kept or made now."""
    body = answers(request).get_or_make(key, lambda: to_json(make()))
    return Response(body, media_type="application/json")


async def cached_json_off_loop(request: Request, key: tuple[Hashable, ...], make: Callable[[], BaseModel]) -> Response:
    """As :func:`cached_json`, but an answer not yet kept is made in a worker thread, so a costly
    question (many findings, unknown names) does not hold the event loop and every other request."""
    cache = answers(request)
    if key in cache:  # kept: no thread needed
        return cached_json(request, key, make)
    body = await run_in_threadpool(cache.get_or_make, key, lambda: to_json(make()))
    return Response(body, media_type="application/json")
