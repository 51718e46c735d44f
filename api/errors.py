"""The one place where domain errors become HTTP errors."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from graph.errors import EntityNotFound, InvalidQuery, RadixError, UnknownKind


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


async def _other(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=400, content={"detail": {"message": str(exc)}})


def install(app: FastAPI) -> None:
    app.add_exception_handler(EntityNotFound, _not_found)
    app.add_exception_handler(InvalidQuery, _invalid)
    app.add_exception_handler(RadixError, _other)
