import argparse
import subprocess
import sys
import time

import yaml

from bot.settings import Settings
from bot.stack import ROOT, Stack, in_memory_endpoints, redis_available


def test_in_memory_endpoints_drop_only_the_stores(tmp_path):
    target = in_memory_endpoints(ROOT / "endpoints.yml", tmp_path / "e.yml")
    endpoints = yaml.safe_load(target.read_text())
    assert "tracker_store" not in endpoints and "lock_store" not in endpoints
    assert endpoints["action_endpoint"]["headers"]["Authorization"] == "Bearer ${ACTION_SERVER_TOKEN}"


def test_committed_endpoints_use_redis_with_expiry():
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "backup_rasa.tracker_store.RedisTrackerStore"  # Rasa's, saved cheaper
    assert endpoints["tracker_store"]["record_exp"] == "${CONVERSATION_TTL_SECONDS}"
    assert endpoints["lock_store"]["type"] == "backup_rasa.lock_store.RedisLockStore"  # Rasa's, made atomic


def test_redis_available_is_false_when_nothing_listens():
    assert redis_available("redis://127.0.0.1:1/0") is False


def test_a_rasa_token_that_begins_with_a_dash_reaches_rasa_as_the_tokens_value():
    # Rasa's command line is argparse's; a token passed as a separate argument that starts with
    # "-" is taken for an option and Rasa exits (it happened: secrets.token_urlsafe can start so).
    command = Stack(Settings(rasa_token="-Xy_z")).rasa_command(5005)
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    parsed, _ = parser.parse_known_args(command[2:])
    assert parsed.auth_token == "-Xy_z"


def test_stop_sends_every_process_its_sigterm_before_waiting_for_any(tmp_path):
    # The first ignores SIGTERM (it is killed after the grace period); the second, on its SIGTERM,
    # writes down whether the first is still alive: it is, only if nobody waited for the first.
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    seen = tmp_path / "first-alive-at-second-sigterm"
    polite = ("import os, signal, sys, time\n"
              "def term(*_):\n"
              "    try:\n"
              "        os.kill(int(sys.argv[1]), 0); alive = 'yes'\n"
              "    except ProcessLookupError:\n"
              "        alive = 'no'\n"
              "    open(sys.argv[2], 'w').write(alive); sys.exit(0)\n"
              "signal.signal(signal.SIGTERM, term); open(sys.argv[2] + '.ready', 'w').close(); time.sleep(60)\n")
    stack = Stack(Settings())
    first = subprocess.Popen([sys.executable, "-c", stubborn], start_new_session=True)
    second = subprocess.Popen([sys.executable, "-c", polite, str(first.pid), str(seen)], start_new_session=True)
    stack.processes = {"first": first, "second": second}
    while not (tmp_path / (seen.name + ".ready")).exists():
        time.sleep(0.05)
    time.sleep(0.3)  # the first has set its handler too (it starts before the second)
    stack.stop(grace_seconds=2)
    assert seen.read_text() == "yes"
    assert first.returncode == -9 and second.returncode == 0 and stack.processes == {}
