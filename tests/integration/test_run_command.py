"""`python -m bot.stack` (what `make run` starts): it says where to go, and stopping it stops everything."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.stack import ROOT, free_port

pytestmark = pytest.mark.integration


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            found |= children
            todo.extend(children)
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_run_prints_where_to_go_and_stops_every_process(stop, tmp_path):
    env = {**os.environ, "RASA_PORT": str(free_port()), "ACTION_SERVER_PORT": str(free_port()),
           "GATEWAY_PORT": str(free_port()), "METRICS_PORT": str(free_port())}
    output = tmp_path / "run.out"
    with output.open("w") as sink:
        run = subprocess.Popen([sys.executable, "-m", "bot.stack"], cwd=ROOT, env=env, stdout=sink,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while "Backup is running" not in output.read_text() and time.monotonic() < deadline:
            assert run.poll() is None, output.read_text()
            time.sleep(0.5)
        printed = output.read_text()
        assert f"Open the intranet demo: http://127.0.0.1:{env['GATEWAY_PORT']}/" in printed
        assert f"Metrics (operators):    http://127.0.0.1:{env['METRICS_PORT']}/metrics" in printed
        assert "conversations expire after 30 idle minutes" in printed
        # The insights token: in a file only this user can read, named on the screen, not printed.
        gateway, token_file = f"http://127.0.0.1:{env['GATEWAY_PORT']}", ROOT / ".run" / "insights-token"
        assert f"Insight (owners):       {gateway}/insights, with the token in {token_file}" in printed
        assert token_file.stat().st_mode & 0o777 == 0o600
        token = token_file.read_text().strip()
        assert token not in printed
        assert httpx.get(f"{gateway}/insights.csv", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        children = descendants(run.pid)
        assert len(children) >= 3
        run.send_signal(stop)
        assert run.wait(timeout=60) == 0
        time.sleep(1)
        assert not [pid for pid in children if alive(pid)]
        assert "Stopped." in output.read_text()
    finally:
        # Whatever failed, nothing it started outlives the test (each child leads its own group).
        for pid in descendants(run.pid) if run.poll() is None else ():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        if run.poll() is None:
            run.kill()
