"""Hostile requests: CORS stays off unless configured, no route reads a file or URL the user names,
and no answer carries a stack trace or a server path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.state import AppState, Settings

TEACHING = "https://teach.example.org"
OTHER = "https://evil.example.net"
REPO = Path(__file__).resolve().parents[2]
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


@pytest.fixture(scope="module")
def cors_client(shipped: AppState) -> Iterator[TestClient]:
    """An app that allows the teaching site's origin, and no other."""
    with TestClient(create_app(Settings(cors_origins=(TEACHING,)), state=shipped)) as c:
        yield c


# ---------------------------------------------------------------- CORS


def test_cors_is_off_by_default(client: TestClient) -> None:
    for origin in (TEACHING, OTHER):
        r = client.get("/health", headers={"Origin": origin})
        assert r.status_code == 200
        assert "access-control-allow-origin" not in r.headers
        r = client.options("/localize", headers={"Origin": origin, **PREFLIGHT})
        assert "access-control-allow-origin" not in r.headers


def test_cors_allows_a_configured_origin_only(cors_client: TestClient) -> None:
    r = cors_client.get("/health", headers={"Origin": TEACHING})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == TEACHING
    r = cors_client.options("/localize", headers={"Origin": TEACHING, **PREFLIGHT})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == TEACHING
    assert "POST" in r.headers["access-control-allow-methods"]

    r = cors_client.get("/health", headers={"Origin": OTHER})
    assert r.status_code == 200  # answered (CORS is for browsers), but no browser may read it
    assert "access-control-allow-origin" not in r.headers
    r = cors_client.options("/localize", headers={"Origin": OTHER, **PREFLIGHT})
    assert r.status_code == 400
    assert "access-control-allow-origin" not in r.headers


def test_cors_origins_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADIX_CORS_ORIGINS", f" {TEACHING} ,https://other.example.org,")
    assert Settings.from_env().cors_origins == (TEACHING, "https://other.example.org")
    monkeypatch.delenv("RADIX_CORS_ORIGINS")
    assert Settings.from_env().cors_origins == ()


# ---------------------------------------------------------------- no paths or URLs from the user

#: Percent-encoded dot segments reach the server as ``../`` (an HTTP client removes literal ones).
TRAVERSALS = [
    "/entities/..%2f..%2fetc%2fpasswd",
    "/entities/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/entities/file:%2f%2f%2fetc%2fpasswd",
    "/pathways/..%2f..%2fpyproject.toml",
    "/territories/..%2f..%2fetc%2fpasswd",
    "/lessons/..%2f..%2fpyproject.toml",
    "/static/../pyproject.toml",
    "/static/%2e%2e/app.py",
    "/static/%2e%2e%2fapp.py",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%5c..%5cpyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
]
#: What a served file of this checkout or of the system would contain.
LEAKS = ("[build-system]", "def create_app", "root:x:0:0", "import ")


@pytest.mark.parametrize("url", TRAVERSALS)
def test_a_path_in_the_url_never_reaches_a_file(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404, (url, r.status_code, r.text[:200])
    assert not any(leak in r.text for leak in LEAKS)


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/subgraph", {"seed": "/etc/passwd"}, 404),
        ("/subgraph", {"seed": "file:///etc/passwd", "format": "turtle"}, 404),
        ("/entities/RADIX:femoral_nerve", {"format": "../../../etc/passwd"}, 422),
        ("/ontology", {"format": "/etc/passwd"}, 422),
        ("/lessons/RADIX:femoral_nerve", {"format": "../../pyproject.toml"}, 422),
        ("/roots", {"kind": "numbness", "site": "file:///etc/passwd"}, 422),
        ("/sparql", {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}, 403),
        ("/sparql", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}, 403),
        ("/sparql", {"query": "LOAD <file:///etc/passwd>"}, 403),
        ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"}, 400),
    ],
)
def test_a_path_or_url_in_a_parameter_is_a_name_never_fetched(
    client: TestClient, url: str, params: dict[str, str], status: int
) -> None:
    r = client.get(url, params=params)
    assert r.status_code == status, r.text[:300]
    assert not any(leak in r.text for leak in LEAKS)


# ---------------------------------------------------------------- no stack traces


BAD_REQUESTS = [
    ("GET", "/entities/%00", None),
    ("GET", "/entities?limit=-1&offset=x", None),
    ("GET", "/paths?source=%ff&target=", None),
    ("GET", "/roots?kind=%00&site=%ff%fe", None),
    ("GET", "/subgraph?seed=RADIX:femoral_nerve&format=exe&depth=99", None),
    ("GET", "/pathways/RADIX:femoral_nerve?max_nodes=1e9", None),
    ("GET", "/territories/RADIX:femoral_nerve?map=map_isncsci", None),
    ("GET", "/lessons/localize?finding=numbness", None),
    ("GET", "/sparql?query=SELECT", None),
    ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D&format=pdf", None),
    ("POST", "/localize", b"\xff\xfe{"),
    ("POST", "/localize", b'{"findings": [{"kind": "numbness", "site": "thumb", "present": "maybe"}]}'),
    ("POST", "/localize", b'{"findings": [' + b"[" * 5000 + b"]" * 5000 + b"]}"),
    ("POST", "/lessons/localize", b'{"findings": "numbness", "format": "exe"}'),
    ("POST", "/sparql", b"SELECT * WHERE { ?s ?p }"),
    ("GET", "/no/such/route", None),
    ("DELETE", "/entities/RADIX:femoral_nerve", None),
]


@pytest.mark.parametrize(("method", "url", "body"), BAD_REQUESTS)
def test_an_error_answer_carries_no_trace_and_no_server_path(
    client: TestClient, method: str, url: str, body: bytes | None
) -> None:
    headers = {"Content-Type": "application/sparql-query" if "sparql" in url else "application/json"}
    r = client.request(method, url, content=body, headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert_no_trace(r.text)


def test_an_unexpected_failure_is_a_bare_500(shipped: AppState) -> None:
    app = create_app(Settings(), state=shipped)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(f"failed in {__file__}")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert_no_trace(r.text)
    assert "failed in" not in r.text


def assert_no_trace(text: str) -> None:
    assert "Traceback" not in text
    assert 'File "' not in text
    assert str(REPO) not in text
    assert "site-packages" not in text
