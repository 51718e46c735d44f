"""In-process latency: each query as a domain function call, and the same question through the ASGI app.

The app is driven in-process by plain ASGI calls (no socket, no client library), so the difference between
the two columns is the web framework's share: routing, validation, the response model and the
encoding, or, for the routes whose answers are kept serialized (:mod:`api.cache`), the cost of
a cache hit. ``uncached`` repeats the request with the answer cache emptied each time.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from api.state import AppState

from .common import Timing, fmt, sample, table
from .localize import TEN_FINDINGS

SEARCH = "femoral"
ENTITY = "femoral_nerve"
PATH = ("spinal_nerve_L3", "anterior_thigh")
ROOTS = ("numbness", "anterior thigh")
PATHWAY = "femoral_nerve"
TERRITORY = "spinal_nerve_L5"

#: the body POST /localize is sent, in-process and by wrk
LOCALIZE_BODY: dict[str, Any] = {
    "findings": [{"kind": f.kind, "site": f.site, "present": f.present} for f in TEN_FINDINGS],
    "limit": 10,
}


@dataclass(frozen=True)
class Query:
    name: str
    domain: Callable[[], object] | None
    method: str
    url: str
    body: dict[str, Any] | None = None
    #: the route keeps its answers serialized (api/cache.py)
    cached: bool = False


def queries(state: AppState) -> list[Query]:
    """The questions measured: the same on the shipped graph and on the synthetic one (``scale``)."""
    from graph.localize import localize
    from graph.pathway import pathway
    from graph.queries import entity_detail, find_paths, roots_for_finding
    from graph.search import search
    from graph.territory import territory

    kg, index = state.kg, state.index
    return [
        Query("health", None, "GET", "/health"),
        Query("search", lambda: search(kg, index, SEARCH), "GET", f"/entities?q={SEARCH}"),
        Query("entity", lambda: entity_detail(kg, ENTITY), "GET", f"/entities/RADIX:{ENTITY}", cached=True),
        Query("paths", lambda: find_paths(kg, index, *PATH), "GET", f"/paths?source=RADIX:{PATH[0]}&target=RADIX:{PATH[1]}"),
        Query(
            "roots",
            lambda: roots_for_finding(kg, index, *ROOTS),
            "GET",
            f"/roots?kind={ROOTS[0]}&site={ROOTS[1].replace(' ', '%20')}",
            cached=True,
        ),
        Query(
            "localize (10 findings)", lambda: localize(state.localizer, index, TEN_FINDINGS), "POST", "/localize", LOCALIZE_BODY
        ),
        Query("pathway", lambda: pathway(kg, index, PATHWAY), "GET", f"/pathways/RADIX:{PATHWAY}", cached=True),
        Query("territory", lambda: territory(kg, TERRITORY), "GET", f"/territories/RADIX:{TERRITORY}", cached=True),
    ]


@dataclass
class Row:
    name: str
    domain: Timing | None = None
    api: Timing | None = None
    uncached: Timing | None = None
    cached: bool = False


@dataclass
class InProcess:
    rows: list[Row] = field(default_factory=list)

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name.startswith(name))

    def report(self) -> str:
        def cell(t: Timing | None) -> str:
            return f"{fmt(t.p50)} / {fmt(t.p99)}" if t else "–"

        rows = [
            [
                r.name,
                cell(r.domain),
                cell(r.api) + (" (cached answer)" if r.cached else ""),
                cell(r.uncached),
                fmt(r.api.p50 - r.domain.p50) if r.api and r.domain and not r.cached else "–",
            ]
            for r in self.rows
        ]
        return table(
            ["query", "domain p50 / p99 ms", "through ASGI p50 / p99 ms", "ASGI, answer cache emptied", "framework share p50 ms"],
            rows,
        )


def domain_timings(state: AppState, count: int, budget_s: float) -> dict[str, Timing]:
    return {q.name: Timing.of(sample(q.domain, count, budget_s)) for q in queries(state) if q.domain is not None}


def run(state: AppState, count: int = 200, budget_s: float = 5.0) -> InProcess:
    """Every query ``count`` times (fewer if ``budget_s`` per query runs out), as a function and through the app."""
    result = InProcess()
    domain = domain_timings(state, count, budget_s)
    api, uncached = asyncio.run(_through_app(state, count, budget_s))
    for q in queries(state):
        result.rows.append(Row(q.name, domain.get(q.name), api.get(q.name), uncached.get(q.name), q.cached))
    return result


async def _through_app(state: AppState, count: int, budget_s: float) -> tuple[dict[str, Timing], dict[str, Timing]]:
    from api.app import create_app
    from api.cache import STATE_ATTRIBUTE
    from api.state import Settings

    app = create_app(Settings(), state=state)
    api: dict[str, Timing] = {}
    uncached: dict[str, Timing] = {}
    async with app.router.lifespan_context(app):
        for q in queries(state):

            async def once(q: Query = q, empty: bool = False) -> None:
                if empty:
                    setattr(app.state, STATE_ATTRIBUTE, None)  # the next request computes its answer again
                status, body = await asgi_request(app, q.method, q.url, q.body)
                if status != 200:
                    raise RuntimeError(f"{q.method} {q.url}: {status} {body[:300]!r}")

            async def fresh(q: Query = q) -> None:
                await once(q, empty=True)

            api[q.name] = Timing.of(await _sample(once, count, budget_s))
            if q.cached:
                uncached[q.name] = Timing.of(await _sample(fresh, count, budget_s))
    return api, uncached


async def asgi_request(app: Any, method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
    """One request straight into the ASGI app, as a server would make it (no client library, no socket)."""
    path, _, query = url.partition("?")
    data = json.dumps(body).encode() if body is not None else b""
    headers = [(b"host", b"bench"), (b"accept", b"*/*"), (b"content-length", str(len(data)).encode())]
    if body is not None:
        headers.append((b"content-type", b"application/json"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": urllib.parse.unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def _sample(call: Callable[[], Any], count: int, budget_s: float) -> list[float]:
    await call()
    out: list[float] = []
    stop = time.perf_counter() + budget_s
    while len(out) < count and (len(out) < 5 or time.perf_counter() < stop):
        started = time.perf_counter()
        await call()
        out.append(time.perf_counter() - started)
    return out
