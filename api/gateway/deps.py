"""FastAPI dependencies as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from api.gateway.state import GatewayState


def get_state(request: Request) -> GatewayState:
    return request.app.state.gateway


State = Annotated[GatewayState, Depends(get_state)]
