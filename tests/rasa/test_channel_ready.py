"""The channel's readiness route, which Kubernetes' probe asks (deploy/k8s/base/rasa.yaml)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from rasa.core.agent import Agent

from backup_rasa.channel import BackupRestInput


def ready_route():
    blueprint = BackupRestInput().blueprint(on_new_message=None)
    return next(route.handler for route in blueprint._future_routes if route.uri == "/ready")


async def ask(agent) -> tuple[int, dict]:
    ctx = SimpleNamespace(agent=agent) if agent is not None else SimpleNamespace()
    answer = await ready_route()(SimpleNamespace(app=SimpleNamespace(ctx=ctx)))
    return answer.status, json.loads(answer.body)


async def test_not_ready_before_rasa_has_an_agent():
    assert await ask(None) == (503, {"ready": False})


async def test_not_ready_while_the_agent_has_no_model():
    assert await ask(Agent()) == (503, {"ready": False})


async def test_ready_once_the_model_is_loaded_and_nothing_else_said():
    loaded = SimpleNamespace(is_ready=lambda: True, processor=SimpleNamespace(model_filename="backup.tar.gz"))
    assert await ask(loaded) == (200, {"ready": True})
