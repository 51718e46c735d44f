"""What every request passes through: the request bounds and the JSON access log.

Plain ASGI middleware (no ``BaseHTTPMiddleware``: it costs a task per request and buffers
streaming bodies). From the outside in: the access log, CORS (``api/app.py``), the per-client
rate limit, the per-worker concurrency limit, then the body cap. A refusal is answered here,
as the JSON the routes use (``{"detail": {"message": ..., "cap": ...}}``), with no stack trace,
and declared in the OpenAPI document of every operation where it can happen.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import anyio
from fastapi import FastAPI, HTTPException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .models import RefusedOut
from .state import Bounds

ACCESS: Final = logging.getLogger("radix.access")
#: Probes of the load balancer or orchestrator: never refused for load, never rate limited.
EXEMPT: Final = frozenset({"/health", "/ready"})
#: A client's own request id is kept when it looks like one; anything else is replaced.
REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: Paths are logged up to this length (the query string never is, only its length).
MAX_LOGGED_PATH: Final = 512


async def refuse(send: Send, status: int, message: str, cap: object, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    """Answer with the JSON error body every route uses, naming the cap that was hit."""
    body = json.dumps({"detail": {"message": message, "cap": cap}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


# ---------------------------------------------------------------- concurrency


@dataclass
class InFlight:
    """Requests in flight in this worker (one event loop: no lock needed), and how many were refused."""

    cap: int
    current: int = 0
    refused: int = 0


class ConcurrencyLimit:
    """At most ``gauge.cap`` requests in flight; the next one is answered 503 at once, never queued."""

    def __init__(self, app: ASGIApp, gauge: InFlight) -> None:
        self.app = app
        self.gauge = gauge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        gauge = self.gauge
        if gauge.current >= gauge.cap:
            gauge.refused += 1
            message = f"the server is answering its cap of {gauge.cap} requests at once (RADIX_MAX_CONCURRENCY); retry after 1 s"
            await refuse(send, 503, message, gauge.cap, [(b"retry-after", b"1")])
            return
        gauge.current += 1
        try:
            await self.app(scope, receive, send)
        finally:
            gauge.current -= 1


# ---------------------------------------------------------------- rate


class TokenBuckets:
    """A token bucket per client: ``rate`` tokens a second, up to ``burst``; a request takes one.

    >>> now = [0.0]
    >>> buckets = TokenBuckets(rate=2, burst=2, clock=lambda: now[0])
    >>> [buckets.take("10.0.0.1") for _ in range(3)]
    [0.0, 0.0, 0.5]
    >>> buckets.take("10.0.0.2")  # another client has its own bucket
    0.0
    >>> now[0] = 0.5
    >>> buckets.take("10.0.0.1")
    0.0
    """

    def __init__(self, rate: float, burst: int, max_clients: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self.clock = clock
        #: client → (tokens, when counted), least recently seen first; bounded by ``max_clients``
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> float:
        """Take a token for ``client``: 0.0 when it may go on, else the seconds until it may."""
        now = self.clock()
        tokens, then = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self.max_clients:  # forget the longest idle client: it starts again with a full bucket
            self._buckets.popitem(last=False)
        return wait


class RateLimit:
    """Over its client's rate a request is answered 429 with ``Retry-After``."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "")
        if wait:
            seconds = max(1, math.ceil(wait))
            b = self.buckets
            message = (
                f"over the rate limit of {b.rate:g} requests per second per client, bursts of {b.burst} "
                f"(RADIX_RATE_LIMIT, RADIX_RATE_BURST); retry after {seconds} s"
            )
            await refuse(send, 429, message, b.rate, [(b"retry-after", str(seconds).encode())])
            return
        await self.app(scope, receive, send)


# ---------------------------------------------------------------- body


class BodyRefused(HTTPException):
    """Raised while the body is read: a route answers it as JSON (FastAPI re-raises an HTTPException met while
    parsing a body), anything else in :class:`BodyLimit`. The connection is closed after the answer."""

    def __init__(self, status: int, message: str, cap: float) -> None:
        super().__init__(status, detail={"message": message, "cap": cap}, headers={"Connection": "close"})
        self.message = message
        self.cap = cap


def body_too_large(cap: int) -> BodyRefused:
    return BodyRefused(413, f"the request body is over the {cap} byte cap", cap)


def body_too_slow(seconds: float) -> BodyRefused:
    return BodyRefused(408, f"the request body did not arrive within {seconds:g} s (RADIX_BODY_TIMEOUT)", seconds)


class BodyLimit:
    """A request body over its cap is refused (413) from its Content-Length, or as soon as the bytes read pass it;
    a body that takes longer than ``timeout_s`` to arrive is refused (408)."""

    def __init__(self, app: ASGIApp, cap: int, timeout_s: float, caps: Mapping[str, int]) -> None:
        self.app = app
        self.cap = cap
        self.timeout_s = timeout_s
        self.caps = caps  # path → its own cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.caps.get(scope["path"], self.cap)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            # the body is not read: close the connection rather than read it to reach the next request
            await refuse(send, 413, f"the request body is {declared} bytes; the cap is {cap}", cap, [(b"connection", b"close")])
            return
        received = 0
        deadline = time.monotonic() + self.timeout_s
        complete = False  # once the body is in, receive() only waits for a disconnect: no deadline then
        started = False

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            with anyio.move_on_after(deadline - time.monotonic()) as waited:
                message = await receive()
            if waited.cancelled_caught:
                raise body_too_slow(self.timeout_s)
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise body_too_large(cap)
            complete = not message.get("more_body", False)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyRefused as exc:  # read outside a route (a static file, a mount): answer here
            if started:
                raise
            await refuse(send, exc.status_code, exc.message, exc.cap, [(b"connection", b"close")])


# ---------------------------------------------------------------- access log


class AccessLog:
    """One JSON line per request on the ``radix.access`` logger, and an ``X-Request-ID`` on every response.

    The line holds the time, method, path, the query string's length (never the query: it may
    carry what a user typed), status, duration, response bytes, client address, request id and
    worker pid. A client's own ``X-Request-ID`` is kept when it is a plain token.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500  # what the server answers when the app raises before it starts a response
        sent = 0

        async def logged_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), (b"x-request-id", request_id.encode())]}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            if ACCESS.isEnabledFor(logging.INFO):
                client = scope.get("client")
                line = {
                    "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "method": scope["method"],
                    "path": scope["path"][:MAX_LOGGED_PATH],
                    "query_length": len(scope.get("query_string", b"")),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "bytes": sent,
                    "client": client[0] if client else None,
                    "request_id": request_id,
                    "pid": os.getpid(),
                }
                ACCESS.info(json.dumps(line, ensure_ascii=False))


# ---------------------------------------------------------------- the OpenAPI document

_RETRY_AFTER: Final = {
    "Retry-After": {"description": "seconds to wait before retrying", "required": True, "schema": {"type": "integer"}}
}
_METHODS: Final = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def refusals(path: str, has_body: bool, bounds: Bounds, caps: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """The statuses the bounds may answer for an operation (status → description, headers), as this module answers them.

    >>> sorted(refusals("/health", False, Bounds(), {})), sorted(refusals("/localize", True, Bounds(), {}))
    ([], ['408', '413', '429', '503'])
    """
    out: dict[str, dict[str, Any]] = {}
    if has_body:
        setting = "" if path in caps else " (RADIX_MAX_BODY_BYTES)"  # a path with a cap of its own is not configured
        out["413"] = {
            "description": f"the request body is over the cap of {caps.get(path, bounds.max_body_bytes)} bytes{setting}"
        }
        out["408"] = {"description": f"the request body did not arrive within {bounds.body_timeout_s:g} s (RADIX_BODY_TIMEOUT)"}
    if path not in EXEMPT:
        out["429"] = {
            "description": "over the client's rate limit, when one is set (RADIX_RATE_LIMIT, RADIX_RATE_BURST)",
            "headers": _RETRY_AFTER,
        }
        out["503"] = {
            "description": f"over the cap of {bounds.max_concurrency} requests in flight per worker (RADIX_MAX_CONCURRENCY)",
            "headers": _RETRY_AFTER,
        }
    return out


def declare_refusals(app: FastAPI, bounds: Bounds, caps: Mapping[str, int]) -> None:
    """Add the bounds' refusals to each operation of the app's OpenAPI document, so that client generators see them.

    They are answered here, outside the routes, so FastAPI does not know of them. 429 is declared
    even when the rate limit is off, so that a client generated from one deployment is ready for
    another. A route's own declaration of the same status wins (``/sparql``: 413, and 503 when
    its query workers are busy; its error body has the same shape), gaining only the headers.
    """
    make = app.openapi

    def openapi() -> dict[str, Any]:
        before = app.openapi_schema
        document = make()
        if document is not before:  # FastAPI made it afresh (it does when the routes change)
            _declare(document, bounds, caps)
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend its document


def _declare(document: dict[str, Any], bounds: Bounds, caps: Mapping[str, int]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    model = RefusedOut.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    schemas.update(model.pop("$defs", {}))
    schemas[RefusedOut.__name__] = model
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{RefusedOut.__name__}"}}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, refusal in refusals(path, "requestBody" in operation, bounds, caps).items():
                declared = responses.get(status)
                if declared is None:
                    responses[status] = {**refusal, "content": content}
                elif "headers" in refusal:
                    declared["headers"] = {**refusal["headers"], **declared.get("headers", {})}


# ---------------------------------------------------------------- wiring


def install_bounds(app: FastAPI, bounds: Bounds, caps: Mapping[str, int]) -> None:
    """The body cap innermost, then the concurrency limit, then the per-client rate limit (when on).

    ``caps`` gives a path its own body cap (``/sparql`` has its own); the in-flight gauge is
    ``app.state.in_flight``, for ``/ready``. The refusals are declared in the OpenAPI document.
    """
    gauge = InFlight(bounds.max_concurrency)
    app.state.in_flight = gauge
    app.add_middleware(BodyLimit, cap=bounds.max_body_bytes, timeout_s=bounds.body_timeout_s, caps=dict(caps))
    app.add_middleware(ConcurrencyLimit, gauge=gauge)
    if bounds.rate_limit > 0:
        app.add_middleware(RateLimit, buckets=TokenBuckets(bounds.rate_limit, bounds.burst))
    declare_refusals(app, bounds, caps)


def install_access_log(app: FastAPI) -> None:
    """Outermost, so that every answer (a refusal too) is logged and carries its request id."""
    app.add_middleware(AccessLog)
