"""Typed dependencies for the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .state import AppState


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.radix
    return state


State = Annotated[AppState, Depends(get_state)]
