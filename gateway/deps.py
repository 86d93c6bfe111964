"""FastAPI dependencies as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from gateway.state import GatewayState


async def get_state(request: Request) -> GatewayState:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a hop on every request.
    return request.app.state.gateway


State = Annotated[GatewayState, Depends(get_state)]
