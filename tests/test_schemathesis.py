"""Schemathesis against the app's own OpenAPI schema, in-process: no 5xx, and every answer as declared.

Every operation in ``/openapi.json`` is run with schema-valid and schema-violating (negative) inputs,
through schemathesis' examples, coverage and fuzzing phases. Each answer must:
- not be a 5xx (``not_a_server_error``);
- have a status code, content type and headers the operation declares;
- for JSON, have a body that matches the schema declared for that status;
- and a request that violates the schema must be refused with a 4xx (``negative_data_rejection``).

Left out, on purpose:
- ``positive_data_acceptance``: a schema-valid id or site that names nothing in the graph is rightly a
  404 or 422; which strings are ids is data, not schema.
- stateful testing: the API is read-only, there is no state to walk through links.
- ``/`` and ``/static``: not in the schema (``include_in_schema=False``); tests/api/test_hostile.py
  covers them.
Bodies declared without a schema (RDF, CSV, TSV, Markdown, HTML, GraphML... from ``/sparql``,
``/ontology``, ``/subgraph``, ``/lessons``, ``/entities/{id}``) are checked for status and content type
only: ``response_schema_conformance`` has no JSON schema to hold them to.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as oas_checks

from api.app import create_app
from api.state import AppState, Settings

CHECKS = [
    st_checks.not_a_server_error,
    oas_checks.status_code_conformance,
    oas_checks.content_type_conformance,
    oas_checks.response_headers_conformance,
    oas_checks.response_schema_conformance,
    oas_checks.negative_data_rejection,
]

# The document comes from the app factory when the tests are collected (making an app loads no
# graph: its lifespan does), and the requests go to an app on the session's graph (`app` below).
# schemathesis.pytest.from_fixture would defer both to a fixture, but its lazy loader fails on
# pytest 9.2 (it sets `Function._nodeid`, which pytest removed).
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


@schemathesis.serializer("application/sparql-query")
def sparql_query(_: schemathesis.SerializationContext, value: object) -> dict[str, bytes]:
    """``POST /sparql`` takes the query itself as the body: send the generated string as UTF-8 text."""
    return {"data": value if isinstance(value, bytes) else str(value).encode("utf-8")}


@pytest.fixture(scope="module")
def app(shipped: AppState) -> FastAPI:
    return create_app(Settings(), state=shipped)


@schema.parametrize()
@settings(
    max_examples=100,  # per operation: the file runs in about 40 s on 2 cores
    deadline=None,
    derandomize=True,  # the same cases on every run
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api(case: schemathesis.Case, app: FastAPI) -> None:
    case.call_and_validate(app=app, checks=CHECKS)
