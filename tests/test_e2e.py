"""End to end: a real `radix serve` process, queried over HTTP."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cache: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A `radix serve` process on a free port; yields its base URL, stops it afterwards."""
    port = free_port()
    exe = shutil.which("radix") or str(Path(sys.executable).parent / "radix")
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--log-level", "warning", *args],
        env={**os.environ, "RADIX_CACHE_DIR": str(cache), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"radix serve exited early:\n{out}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("radix serve did not become ready in 60 s")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(tmp_path_factory.mktemp("cache"))


def test_the_readme_query_answers_over_http(server: str) -> None:
    r = httpx.get(f"{server}/roots", params={"kind": "numbness", "site": "anterior thigh"})
    assert r.status_code == 200
    body = r.json()
    levels = {x["label"]: x["contribution"] for x in body["roots"]}
    assert levels["L2 spinal nerve"] == "major" and levels["L3 spinal nerve"] == "major"
    assert {"femoral nerve", "lateral femoral cutaneous nerve", "genitofemoral nerve"} <= {n["label"] for n in body["nerves"]}


def test_errors_over_http_are_clean_json(server: str) -> None:
    r = httpx.get(f"{server}/entities/RADIX:nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    r = httpx.get(f"{server}/roots", params={"kind": "numbness", "site": "moon"})
    assert r.status_code == 422 and "Traceback" not in r.text


def test_localize_over_http(server: str) -> None:
    body = {
        "findings": [
            {"kind": "numbness", "site": "lateral leg"},
            {"kind": "weakness", "site": "ankle dorsiflexion"},
            {"kind": "test_positive", "site": "Tinel sign at the fibular head"},
            {"kind": "weakness", "site": "ankle inversion", "present": False},
        ]
    }
    r = httpx.post(f"{server}/localize", json=body, timeout=30)
    assert r.status_code == 200, r.text
    top = r.json()["candidates"][0]
    assert top["label"] == "common fibular nerve" and top["site"] is not None
    assert "common fibular neuropathy at the fibular neck" in [c["label"] for c in top["conditions"]]
    r = httpx.post(f"{server}/localize", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
