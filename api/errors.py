"""The one place where domain errors become HTTP errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from graph.errors import EntityNotFound, InvalidQuery, RadixError, UnknownKind
from graph.rdfstore import UnknownFormat
from graph.sparql import SparqlBusy, SparqlLimitExceeded, SparqlRefused, SparqlSyntaxError
from graph.store import StoreUnavailable


def _closest(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"id": f"RADIX:{i}", "label": label} for i, label in pairs]


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EntityNotFound)
    return JSONResponse(status_code=404, content={"detail": {"message": str(exc), "closest": _closest(exc.closest)}})


async def _invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidQuery)
    body: dict[str, object] = {"message": str(exc), "closest": _closest(exc.closest)}
    if isinstance(exc, UnknownKind):
        body["allowed_kinds"] = exc.allowed
    return JSONResponse(status_code=422, content={"detail": body})


async def _limit(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SparqlLimitExceeded)
    return JSONResponse(status_code=422, content={"detail": {"message": str(exc), "cap": exc.cap}})


def _status(code: int, headers: dict[str, str] | None = None) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=code, content={"detail": {"message": str(exc)}}, headers=headers)

    return handler


def install(app: FastAPI) -> None:
    app.add_exception_handler(EntityNotFound, _not_found)
    app.add_exception_handler(InvalidQuery, _invalid)
    app.add_exception_handler(UnknownFormat, _status(422))
    app.add_exception_handler(SparqlSyntaxError, _status(400))
    app.add_exception_handler(SparqlRefused, _status(403))
    app.add_exception_handler(SparqlLimitExceeded, _limit)
    app.add_exception_handler(SparqlBusy, _status(503, {"Retry-After": "1"}))
    app.add_exception_handler(StoreUnavailable, _status(502))
    app.add_exception_handler(RadixError, _status(400))
