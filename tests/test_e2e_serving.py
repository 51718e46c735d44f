"""End to end: `radix serve --workers 2` as in production: both workers answer, SIGTERM drains, bounds hold."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.test_e2e import start

pytestmark = pytest.mark.e2e

LOCALIZE = json.dumps(
    {
        "findings": [
            {"kind": "numbness", "site": "lateral leg"},
            {"kind": "weakness", "site": "ankle dorsiflexion"},
            {"kind": "weakness", "site": "ankle inversion", "present": False},
        ]
    }
).encode()


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def exit_status(pid: int, timeout: float) -> int | None:
    """The exit status of a child of another process, read while it waits to be reaped (None: still running)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # exited; `start` reaps it at teardown
            return int(fields[49]) >> 8  # exit_code, as waitpid reports it
        time.sleep(0.05)
    return None


def raw_request(base: str, head: str, body: bytes) -> socket.socket:
    """Open a connection and send a request's head and the first half of its body (the rest is up to the caller)."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    sock.sendall(head.encode() + body[: len(body) // 2])
    return sock


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def workers(cache: Path) -> Iterator[str]:
    yield from start(cache, "--workers", "2", env={"RADIX_MAX_BODY_BYTES": "4096"})


def test_both_workers_answer_health_and_roots(workers: str) -> None:
    answered: dict[int, int] = {}
    for _ in range(200):  # a new connection each time: the kernel hands it to either worker
        with httpx.Client(base_url=workers) as client:  # one connection: /ready names the worker that answers /roots
            ready = client.get("/ready").json()
            assert client.get("/health").json()["status"] == "ok"
            r = client.get("/roots", params={"kind": "numbness", "site": "anterior thigh"})
            assert r.status_code == 200 and "L3 spinal nerve" in {x["label"] for x in r.json()["roots"]}
            answered[ready["pid"]] = answered.get(ready["pid"], 0) + 1
        if len(answered) == 2:
            break
    assert len(answered) == 2, f"only worker(s) {answered} answered"
    parents = {parent_of(pid) for pid in answered}
    assert len(parents) == 1 and parents.isdisjoint(answered)  # two workers under one supervisor
    assert httpx.get(f"{workers}/ready").json()["cached"]  # the workers read the cache the parent wrote


def test_the_bounds_hold_over_http(workers: str) -> None:
    r = httpx.post(f"{workers}/localize", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"]["cap"] == 4096 and "Traceback" not in r.text

    def chunked() -> Iterator[bytes]:  # no Content-Length: caught while reading
        yield b'{"findings": [], "x": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    r = httpx.post(f"{workers}/localize", content=chunked(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"]["message"] == "the request body is over the 4096 byte cap"
    assert httpx.post(f"{workers}/localize", content=LOCALIZE, headers={"content-type": "application/json"}).status_code == 200


def test_sigterm_finishes_the_request_in_flight_and_exits_cleanly(cache: Path) -> None:
    server = start(cache, "--workers", "2", "--timeout-graceful-shutdown", "5")
    base = next(server)
    try:
        worker = httpx.get(f"{base}/ready").json()["pid"]
        supervisor = parent_of(worker)
        head = (
            f"POST /localize HTTP/1.1\r\nHost: radix\r\nContent-Type: application/json\r\nContent-Length: {len(LOCALIZE)}\r\n\r\n"
        )
        in_flight = raw_request(base, head, LOCALIZE)  # a request whose body is still arriving
        time.sleep(0.2)  # let a worker take it
        stopped = time.monotonic()
        os.kill(supervisor, signal.SIGTERM)
        time.sleep(0.5)  # the workers have been told to stop: they now drain
        in_flight.sendall(LOCALIZE[len(LOCALIZE) // 2 :])
        status, body = read_response(in_flight)
        in_flight.close()
        assert status == 200 and b"common fibular nerve" in body  # answered, not dropped
        assert exit_status(supervisor, timeout=10) == 0
        assert time.monotonic() - stopped < 5 + 2  # within the graceful timeout (and a margin)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{base}/health", timeout=2)
    finally:
        next(server, None)  # `start` reaps the process
