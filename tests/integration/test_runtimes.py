"""Each running process is on the Python its environment promises (README, "Two runtimes")."""

from __future__ import annotations

import subprocess

import pytest

pytestmark = pytest.mark.integration
WHAT_IT_RUNS = "import sys, importlib.util as u; print(*sys.version_info[:2], u.find_spec('rasa') is not None)"


def interpreter_of(pid: int) -> str:
    """The Python a process was started with, as its environment's shebang named it."""
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return cmdline.read().split(b"\0")[0].decode()


def runtime_of(pid: int) -> tuple[int, int, bool]:
    printed = subprocess.run([interpreter_of(pid), "-c", WHAT_IT_RUNS], capture_output=True, text=True,
                             check=True).stdout.split()
    return int(printed[0]), int(printed[1]), printed[2] == "True"


def test_the_public_gateway_runs_python_3_12_or_newer_and_cannot_import_rasa(stack):
    major, minor, has_rasa = runtime_of(stack.processes["gateway"].pid)
    assert (major, minor) >= (3, 12)
    assert not has_rasa


def test_rasa_and_the_action_server_run_on_rasas_own_python(stack):
    assert runtime_of(stack.processes["rasa"].pid) == (3, 10, True)
    assert runtime_of(stack.processes["action_server"].pid) == (3, 10, True)
