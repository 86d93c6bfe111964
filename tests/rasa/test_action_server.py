"""The action server through the app itself: Rasa's protocol, token check, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from rasa_sdk import Action
from rasa_sdk.interfaces import ActionExecutionRejection

from actions.server import app
from bot.settings import Settings, get_settings

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class ActionAlwaysReject(Action):
    def name(self) -> str:
        return "action_always_reject"

    def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        raise ActionExecutionRejection(self.name(), "rejected on purpose")


@pytest.fixture
def client():
    app.dependency_overrides[get_settings] = lambda: Settings.from_environment(action_server_token=TOKEN)
    with TestClient(app) as test_client:
        app.state.executor.register_action(ActionAlwaysReject)
        yield test_client
    app.dependency_overrides.clear()


def action_call(name: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "next_action": name,
        "sender_id": "abc",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "abc",
            "slots": slots or {},
            "latest_message": {"text": "tips please", "intent": {"name": "self_help"}},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def test_health_needs_no_token(client):
    assert client.get("/health").json() == {"status": "ok"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_webhook_refuses_without_the_token(client, headers):
    response = client.post("/webhook", json=action_call("action_give_self_help_tip"), headers=headers)
    assert response.status_code == 401


def test_actions_lists_the_package(client):
    names = {a["name"] for a in client.get("/actions", headers=AUTH).json()}
    assert "action_give_self_help_tip" in names
    assert client.get("/actions").status_code == 401


def test_webhook_runs_the_action(client):
    response = client.post(
        "/webhook", json=action_call("action_give_self_help_tip", {"self_help_tips_given": 2}), headers=AUTH
    )
    assert response.status_code == 200
    body = response.json()
    assert body["events"] == [
        {"event": "slot", "timestamp": None, "name": "self_help_tips_given", "value": 3}
    ]
    assert body["responses"][0]["text"]


def test_unknown_action_is_404_with_its_name(client):
    response = client.post("/webhook", json=action_call("action_nope"), headers=AUTH)
    assert response.status_code == 404
    assert response.json()["action_name"] == "action_nope"


def test_rejection_is_400_with_the_action_name(client):
    response = client.post("/webhook", json=action_call("action_always_reject"), headers=AUTH)
    assert response.status_code == 400
    assert response.json() == {"error": "rejected on purpose", "action_name": "action_always_reject"}


def test_malformed_call_is_a_client_error(client):
    response = client.post("/webhook", json={"tracker": {}}, headers=AUTH)
    assert response.status_code == 422
