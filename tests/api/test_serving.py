"""Serving in-process: readiness, the JSON access log and the request bounds (concurrency, rate, body size)."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from api.app import create_app, create_app_from_env
from api.cli import main
from api.middleware import EXEMPT, BodyLimit
from api.models import RefusedOut
from api.routers.sparql import MAX_BODY_BYTES as SPARQL_CAP
from api.state import AppState, Bounds, Settings
from graph.errors import RadixError

LOCALIZE = {"findings": [{"kind": "numbness", "site": "anterior thigh"}], "limit": 3}


def bounded(state: AppState, bounds: Bounds) -> FastAPI:
    return create_app(Settings(bounds=bounds), state=state)


def assert_clean_error(r: httpx.Response, status: int) -> str:
    """A JSON error of the routes' shape, without a stack trace; returns its message."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert "Traceback" not in r.text and 'File "' not in r.text
    message: str = r.json()["detail"]["message"]
    return message


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


# ---------------------------------------------------------------- readiness


def test_ready_answers_once_loaded_and_not_while_loading_or_stopping(shipped: AppState) -> None:
    client = TestClient(create_app(Settings(), state=shipped))
    message = assert_clean_error(client.get("/ready"), 503)  # the lifespan has not run: nothing loaded
    assert message == "the graph is not loaded yet"
    with client:
        r = client.get("/ready")
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "ready" and body["pid"] == os.getpid()
        assert body["entities"] == shipped.kg.entity_count and body["max_concurrency"] == Bounds().max_concurrency
        assert body["in_flight"] == 0  # probes are not counted
        assert client.get("/health").json()["status"] == "ok"
    r = client.get("/ready")  # the lifespan has ended: shutting down
    assert assert_clean_error(r, 503) == "shutting down" and r.headers["retry-after"] == "1"


def test_the_factory_reads_the_bounds_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADIX_MAX_CONCURRENCY", "7")
    monkeypatch.setenv("RADIX_MAX_BODY_BYTES", "1000")
    monkeypatch.setenv("RADIX_RATE_LIMIT", "2.5")
    settings = Settings.from_env()
    assert settings.bounds == Bounds(max_concurrency=7, max_body_bytes=1000, rate_limit=2.5)
    assert settings.bounds.burst == 5  # twice the rate when RADIX_RATE_BURST is not set
    assert create_app_from_env().state.in_flight.cap == 7


@pytest.mark.parametrize(
    ("name", "value"),
    [("RADIX_MAX_CONCURRENCY", "0"), ("RADIX_MAX_CONCURRENCY", "many"), ("RADIX_MAX_BODY_BYTES", "-1"),
     ("RADIX_RATE_LIMIT", "-1"), ("RADIX_RATE_LIMIT", "nan"), ("RADIX_BODY_TIMEOUT", "0")],
)  # fmt: skip
def test_a_bad_bound_in_the_environment_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(RadixError, match=name.rsplit("_", 1)[0]):
        Settings.from_env()


# ---------------------------------------------------------------- access log


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "radix.access"]


def test_each_request_is_one_json_line_without_its_query(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="radix.access")
    r = client.get("/roots", params={"kind": "numbness", "site": "anterior thigh"})
    assert r.status_code == 200
    [line] = access_lines(caplog)
    assert set(line) == {
        "time", "method", "path", "query_length", "status", "duration_ms", "bytes", "client", "request_id", "pid"
    }  # fmt: skip
    assert line["method"] == "GET" and line["path"] == "/roots" and line["status"] == 200
    assert line["query_length"] == len(r.request.url.query) > 0
    assert line["request_id"] == r.headers["x-request-id"] and len(r.headers["x-request-id"]) == 32
    assert line["bytes"] == len(r.content) and line["client"] == "testclient" and line["pid"] == os.getpid()
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert str(line["time"]).endswith("+00:00")
    assert "thigh" not in caplog.text and "numbness" not in caplog.text  # what was asked is never logged


def test_the_log_keeps_a_clients_request_id_and_replaces_a_hostile_one(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="radix.access")
    assert client.get("/health", headers={"X-Request-ID": "lb-7f3a.2"}).headers["x-request-id"] == "lb-7f3a.2"
    hostile = client.get("/health", headers={"X-Request-ID": 'x" , "status": 200 ' + "a" * 200}).headers["x-request-id"]
    assert len(hostile) == 32 and '"' not in hostile
    assert [line["request_id"] for line in access_lines(caplog)] == ["lb-7f3a.2", hostile]


def test_an_error_is_logged_with_its_status(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="radix.access")
    r = client.get("/entities/RADIX:no_such_thing")
    assert_clean_error(r, 404)
    [line] = access_lines(caplog)
    assert line["status"] == 404 and line["path"] == "/entities/RADIX:no_such_thing"


def test_an_unexpected_failure_is_a_bare_500_and_logged(shipped: AppState, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(), state=shipped)

    @app.get("/test/fails")
    async def fails() -> None:
        raise RuntimeError("secret internals")

    caplog.set_level(logging.INFO, logger="radix.access")
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/test/fails")
    assert r.status_code == 500 and "secret internals" not in r.text and "Traceback" not in r.text
    assert [line["status"] for line in access_lines(caplog) if line["path"] == "/test/fails"] == [500]


# ---------------------------------------------------------------- concurrency


def test_over_the_concurrency_cap_a_request_is_refused_at_once(shipped: AppState) -> None:
    app = bounded(shipped, Bounds(max_concurrency=2))
    release = threading.Event()

    @app.get("/test/slow")
    def slow() -> dict[str, bool]:  # a route that holds its slot until the test releases it
        return {"released": release.wait(30)}

    with TestClient(app) as client, ThreadPoolExecutor(2) as pool:
        held = [pool.submit(client.get, "/test/slow") for _ in range(2)]
        wait_until(lambda: app.state.in_flight.current == 2)
        started = time.monotonic()
        r = client.get("/roots", params={"kind": "numbness", "site": "anterior thigh"})
        assert time.monotonic() - started < 5  # answered at once, not queued behind the held requests
        message = assert_clean_error(r, 503)
        assert r.headers["retry-after"] == "1" and r.json()["detail"]["cap"] == 2
        assert "cap of 2 requests" in message and "RADIX_MAX_CONCURRENCY" in message
        assert client.get("/health").status_code == 200 and client.get("/ready").json()["in_flight"] == 2  # probes pass
        release.set()
        assert [f.result().json() for f in held] == [{"released": True}] * 2  # the held requests were not dropped
        assert client.get("/roots", params={"kind": "numbness", "site": "anterior thigh"}).status_code == 200
        assert app.state.in_flight.current == 0 and app.state.in_flight.refused == 1


# ---------------------------------------------------------------- rate


def test_over_a_clients_rate_the_answer_is_429_with_retry_after(shipped: AppState) -> None:
    app = bounded(shipped, Bounds(rate_limit=0.1, rate_burst=2))
    with TestClient(app) as client:
        assert [client.get("/entities", params={"q": "femoral"}).status_code for _ in range(2)] == [200, 200]
        r = client.get("/entities", params={"q": "femoral"})
        message = assert_clean_error(r, 429)
        assert r.headers["retry-after"] == "10"  # one token at 0.1 a second
        assert "0.1 requests per second" in message and "bursts of 2" in message
        assert [client.get(p).status_code for p in ("/health", "/ready") * 3] == [200] * 6  # probes are not limited


def test_the_rate_limit_is_off_by_default(client: TestClient) -> None:
    assert {client.get("/entities", params={"q": "ulnar"}).status_code for _ in range(30)} == {200}


# ---------------------------------------------------------------- body


def test_a_body_over_the_cap_is_refused_from_its_content_length(shipped: AppState) -> None:
    with TestClient(bounded(shipped, Bounds(max_body_bytes=1000))) as client:
        assert client.post("/localize", json=LOCALIZE).status_code == 200
        body = json.dumps({**LOCALIZE, "padding": "x" * 2000})
        r = client.post("/localize", content=body, headers={"content-type": "application/json"})
        message = assert_clean_error(r, 413)
        assert message == f"the request body is {len(body)} bytes; the cap is 1000" and r.json()["detail"]["cap"] == 1000


def test_a_streamed_body_is_refused_once_it_passes_the_cap(shipped: AppState) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"findings": [], "padding": "'
        yield b"x" * 2000
        yield b'"}'

    with TestClient(bounded(shipped, Bounds(max_body_bytes=1000))) as client:
        r = client.post("/lessons/localize", content=chunks(), headers={"content-type": "application/json"})
        assert "content-length" not in r.request.headers
        assert assert_clean_error(r, 413) == "the request body is over the 1000 byte cap"


def test_sparql_keeps_its_own_body_cap(shipped: AppState) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 5000  # over the app's cap, under SPARQL's
    headers = {"content-type": "application/sparql-query", "accept": "application/sparql-results+json"}
    with TestClient(bounded(shipped, Bounds(max_body_bytes=1000))) as client:
        assert client.post("/sparql", content=query, headers=headers).status_code == 200
        r = client.post("/sparql", content="#" * (SPARQL_CAP + 1), headers=headers)
        assert assert_clean_error(r, 413) == f"the request body is {SPARQL_CAP + 1} bytes; the cap is {SPARQL_CAP}"


def test_a_body_that_does_not_arrive_in_time_is_refused() -> None:
    """A sender that stalls mid-body cannot hold a slot: 408 after the body timeout, answered as JSON."""
    sent: list[Message] = []

    async def reads_the_body(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass

    async def stalls() -> Message:
        if not sent:
            sent.append({"type": "first chunk"})
            return {"type": "http.request", "body": b"{", "more_body": True}
        await anyio.sleep_forever()
        raise AssertionError

    async def record(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "path": "/localize", "headers": [(b"content-type", b"application/json")]}
    limit = BodyLimit(reads_the_body, cap=1000, timeout_s=0.05, caps={})

    async def run() -> None:
        with anyio.fail_after(5):
            await limit(scope, stalls, record)

    anyio.run(run)
    start, body = sent[1:]
    assert start["status"] == 408 and (b"connection", b"close") in start["headers"]
    assert json.loads(body["body"])["detail"] == {
        "message": "the request body did not arrive within 0.05 s (RADIX_BODY_TIMEOUT)",
        "cap": 0.05,
    }


def test_the_body_timeout_ends_with_the_body() -> None:
    """Once the body is in, a route may wait on receive() (a streaming response listens for a disconnect)."""
    sent: list[Message] = []
    calls = 0

    async def streams(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # the whole (empty) body
        assert (await receive())["type"] == "http.disconnect"  # arrives after the body timeout
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def body_then_late_disconnect() -> Message:
        nonlocal calls
        calls += 1
        if calls == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await anyio.sleep(0.2)
        return {"type": "http.disconnect"}

    async def record(message: Message) -> None:
        sent.append(message)

    limit = BodyLimit(streams, cap=1000, timeout_s=0.05, caps={})
    anyio.run(limit, {"type": "http", "path": "/ontology", "headers": []}, body_then_late_disconnect, record)
    assert [m["status"] for m in sent] == [200]


# ---------------------------------------------------------------- the refusals in the OpenAPI document

REFUSED = {"$ref": "#/components/schemas/RefusedOut"}


def test_the_refusals_are_declared_where_they_can_happen(shipped: AppState) -> None:
    app = bounded(shipped, Bounds())
    doc = app.openapi()
    operations = [
        (method, path, op["responses"], "requestBody" in op) for path, item in doc["paths"].items() for method, op in item.items()
    ]
    assert len(operations) >= 19
    for method, path, responses, has_body in operations:
        probe = path in EXEMPT
        assert ("429" in responses) is not probe and ("503" in responses) is (not probe or path == "/ready"), (method, path)
        assert ("408" in responses) is has_body and (has_body <= ("413" in responses)), (method, path)
        for status in ("429", "503") if not probe else ():
            assert responses[status]["headers"]["Retry-After"]["required"] is True, (method, path, status)
    localize = doc["paths"]["/localize"]["post"]["responses"]
    assert [localize[s]["content"]["application/json"]["schema"] for s in ("408", "413", "429", "503")] == [REFUSED] * 4
    assert {"408", "413"}.isdisjoint(doc["paths"]["/roots"]["get"]["responses"])
    assert not {"408", "413", "429", "503"} & set(doc["paths"]["/health"]["get"]["responses"])
    sparql = doc["paths"]["/sparql"]["post"]["responses"]  # its own 413 and 503 are kept; the 503 gains Retry-After
    assert sparql["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert "Retry-After" in sparql["503"]["headers"] and sparql["408"]["content"]["application/json"]["schema"] == REFUSED

    @app.get("/test/late")
    def late() -> None:  # a route added after the document was made: FastAPI makes it afresh, declared again
        return None

    assert "503" in app.openapi()["paths"]["/test/late"]["get"]["responses"]


def test_a_refusal_is_the_declared_model(shipped: AppState) -> None:
    with TestClient(bounded(shipped, Bounds(max_body_bytes=1000, rate_limit=0.1, rate_burst=1))) as client:
        too_large = client.post("/localize", content="x" * 2000, headers={"content-type": "application/json"})
        too_fast = client.get("/roots", params={"kind": "numbness", "site": "anterior thigh"})
    assert (too_large.status_code, too_fast.status_code) == (413, 429)
    assert RefusedOut.model_validate(too_large.json()).detail.cap == 1000
    assert RefusedOut.model_validate(too_fast.json()).detail.cap == 0.1


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--workers", "2", "--extend", "no/such.ttl"], "extension file not found: no/such.ttl"),
    ],
)
def test_serve_refuses_before_binding_the_port(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["serve", "--port", "1", *args]) == 2  # port 1 would fail to bind: it is never reached
    assert message in capsys.readouterr().err
