"""`make shell` (python -m bot.stack shell): Rasa's shell in a terminal, against the real action server."""

from __future__ import annotations

import os
import sys

import httpx
import pexpect
import pytest

from bot.stack import ROOT, free_port

pytestmark = pytest.mark.integration


def test_rasa_shell_talks_to_the_action_server_and_stops_it_on_leaving():
    port = free_port()
    env = {**os.environ, "ACTION_SERVER_PORT": str(port), "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "2",
           "RASA_TELEMETRY_ENABLED": "false"}
    shell = pexpect.spawn(sys.executable, ["-m", "bot.stack", "shell"], cwd=str(ROOT), env=env,
                          encoding="utf-8", timeout=240, dimensions=(50, 200))
    try:
        shell.expect("Your input ->")
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
        shell.sendline("give me a self help tip")
        # The tip comes from actions/ through the FastAPI action server, with its buttons.
        shell.expect("Would you like another")
        shell.expect("Type out your own message")
        shell.send("\x1b[B\x1b[B\r")  # down, down, enter: type instead of choosing a button
        shell.expect("Your input ->")
        shell.sendline("/stop")
        shell.expect(pexpect.EOF)
    finally:
        shell.close(force=True)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
