"""The app factory: settings from the environment, the graph loaded once in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from . import errors, middleware
from .routers import (
    entities,
    health,
    lessons,
    localize,
    mappings,
    paths,
    pathways,
    rdf,
    roots,
    sparql,
    subgraph,
    territories,
    web,
)
from .state import AppState, Settings, open_state, package_version

DESCRIPTION = """
Radix is an open anatomical knowledge graph of the spine and peripheral nervous system.
Ask which spinal nerve roots and nerves can cause a finding (`/roots`), look up an entity
with its sourced relations (`/entities/{id}`), or trace the paths between two entities
(`/paths`). Every relation carries its sources.

**Educational reference material, not medical advice.** Red-flag presentations (cauda
equina, conus medullaris, cord compression) need urgent clinical assessment.
"""


def create_app(settings: Settings | None = None, state: AppState | None = None) -> FastAPI:
    """A new app. The graph is loaded when the app starts (or ``state`` is used as given)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.radix = state or open_state(settings)
        app.state.stopping = False
        yield
        app.state.stopping = True  # /ready answers 503 from here on
        app.state.radix.sparql.close()  # stop the query workers with the server

    app = FastAPI(title="Radix", version=package_version(), description=DESCRIPTION, lifespan=lifespan)
    middleware.install_bounds(app, settings.bounds, caps={"/sparql": sparql.MAX_BODY_BYTES})
    if settings.cors_origins:  # off unless configured
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"])
    middleware.install_access_log(app)
    errors.install(app)
    for module in (
        health,
        entities,
        paths,
        roots,
        localize,
        pathways,
        territories,
        lessons,
        subgraph,
        rdf,
        sparql,
        mappings,
        web,
    ):
        app.include_router(module.router)
    web.mount(app)
    return app


def create_app_from_env() -> FastAPI:
    """The app with settings from the environment: the factory each ``radix serve --workers N`` worker calls."""
    return create_app(Settings.from_env())
