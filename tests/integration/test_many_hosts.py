"""Many hosts, simulated (issue 17): the gateway, two Rasa replicas, the action server and Redis with
Sentinel, each on a host of its own (tests/integration/hosts.py), while a Rasa host drops off the
network mid-conversation, and then another loses its link to Redis.

Two networks, as a deployment would have: the front one (the gateway, Rasa, the action server, and
the test as the person's browser) and the back one (Redis and Sentinel, and whoever keeps state in
it). A link goes down at its switch port, so the host neither answers nor refuses: silence.

The promise checked for every message: a reply within 2 s at the client, either an answer or the
kind message with the crisis number; a crisis message always gets the handoff; once a fault has
settled, every conversation goes on with real answers from the remaining replica. The figures go
to reports/many_hosts.json and are printed.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import pytest

from bot.content import SELF_HELP_TIPS, domain_response
from bot.crisis_line import NUMBER
from bot.redis_connection import RedisAddress, available
from bot.settings import Settings
from bot.stack import ROOT
from gateway.replies import Replies

from .conftest import sites_file
from .hosts import Host, Hosts, HostStack, Network, can_make_namespaces, eventually

pytestmark = pytest.mark.integration

PROMISE_SECONDS = 2.0
REPORT = ROOT / "reports" / "many_hosts.json"
CRISIS = "i'm going to kill myself tonight"
# Each conversation: ordinary messages, the self-help tips (whose counter lives in the shared
# tracker, so a conversation that moves to the other replica shows it kept its state), a crisis.
SCRIPT = ["hello", "/self_help", "what's the number for the crisis line?", "/self_help", "I can't sleep",
          "/self_help", CRISIS, "/self_help", "is it confidential?", "/self_help", "money worries", "/self_help",
          "thanks"]
CONVERSATIONS = 3
FAULT_AFTER = 9  # messages sent before the one the fault comes with (three a conversation)
FAULT_DELAY_SECONDS = 0.005  # after that one went: about when the gateway has passed it to Rasa
PAUSE_SECONDS = 0.3  # between a reply and the person's next message
MASTER = "backup"
REDIS_PORT, SENTINEL_PORTS = 6379, (26379, 26380, 26381)
SLOW_REDIS_RATE = "8kbit"  # a 3 KB reply from Redis takes about 3 s (measured here)

reason = can_make_namespaces()
if reason:
    pytest.skip(f"many hosts are simulated with network namespaces: {reason}", allow_module_level=True)


@dataclass
class Topology:
    front: Network
    back: Network
    gateway: Host
    rasa_a: Host
    rasa_b: Host
    settings: Settings


def redis_hosts(hosts: Hosts, back: Network, log_dir: Path, started: list[HostStack]) -> list[str]:
    """A master and a replica on two hosts, three sentinels watching them; the sentinels' addresses."""
    master, replica = hosts.host("redis-1", back), hosts.host("redis-2", back)
    stacks = [HostStack(Settings.from_environment(redis_url=f"redis://{host.address(back)}:{REDIS_PORT}/0"),
                        host=host, log_dir=log_dir) for host in (master, replica)]
    started.extend(stacks)
    stacks[0].start_redis()
    stacks[1].start_redis("--replicaof", master.address(back), str(REDIS_PORT))
    sentinels = []
    for index, (stack, port) in enumerate(zip((stacks[0], stacks[1], stacks[1]), SENTINEL_PORTS)):
        host = stack.host
        config = log_dir / f"sentinel-{index}.conf"
        config.write_text(f"port {port}\nbind {host.address(back)}\nprotected-mode no\n"
                          f"sentinel monitor {MASTER} {master.address(back)} {REDIS_PORT} 2\n"
                          f"sentinel down-after-milliseconds {MASTER} 5000\n")
        stack.start_sentinel(f"sentinel-{index}", config)
        sentinels.append(f"{host.address(back)}:{port}")
    return sentinels


@pytest.fixture(scope="module")
def topology(tmp_path_factory) -> Iterator[Topology]:
    log_dir = tmp_path_factory.mktemp("many-hosts")
    hosts = Hosts()
    stacks: list[HostStack] = []
    try:
        front, back = hosts.network("f"), hosts.network("b")
        gateway, actions = hosts.host("gateway", front, back), hosts.host("actions", front)
        rasa_a, rasa_b = hosts.host("rasa-a", front, back), hosts.host("rasa-b", front, back)
        sentinels = redis_hosts(hosts, back, log_dir, stacks)
        gateway_url = f"http://{gateway.address(front)}:8000"
        settings = Settings.from_environment(
            redis_url="redis://unused:6379/0", redis_sentinels=",".join(sentinels), redis_master_name=MASTER,
            gateway_host=gateway.address(front), gateway_port=8000,
            action_server_host=actions.address(front), action_server_port=5055, rasa_port=5005,
            rasa_replicas=f"http://{rasa_a.address(front)}:5005,http://{rasa_b.address(front)}:5005",
            rasa_workers=1, review_queue_enabled=False, messages_per_minute_per_client=10_000,
            sites_file=str(sites_file(log_dir, gateway_url, "https://unused.example")),
        )
        eventually(lambda: available(RedisAddress.from_settings(settings)), 30, "Redis through Sentinel")

        def stack(host: Host, **changes) -> HostStack:
            made = HostStack(settings.but(**changes), host=host, log_dir=log_dir)
            stacks.append(made)
            return made

        stack(actions).start_action_server()
        # The two Rasa replicas start side by side (about a minute and a half together).
        with ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(stack(host, rasa_host=host.address(front)).start_rasa)
                           for host in (rasa_a, rasa_b)]:
                future.result()
        stack(gateway).start_gateway()
        # Each replica's first answers (models warming up) before anything is measured.
        for message in ("hello", "/self_help", "I can't sleep", "hello"):
            httpx.post(f"{gateway_url}/api/chat", json={"site": "test-host", "message": message}, timeout=30)
        yield Topology(front, back, gateway, rasa_a, rasa_b, settings)
    finally:
        for made in stacks:
            made.stop()
        hosts.close()


# --- one phase: conversations while a fault comes ---------------------------------------------------


@dataclass
class Turn:
    conversation: int
    index: int  # the message's place in the script
    message: str
    crisis: bool
    sent: float  # seconds after the phase began
    seconds: float
    reply: str  # answer, kind (the gateway's kind message), handoff, fallback (Rasa's "didn't follow")
    tip: int | None


KIND = Replies().unavailable()
FALLBACK = domain_response("utter_default")["text"].strip()


def reply_kind(status: int, body: dict) -> str:
    messages = body.get("messages") or []
    if status != 200 or not messages:
        return f"error {status}"
    if messages == KIND:
        return "kind"
    if any(m.get("type") == "handoff" and not m.get("pinned") for m in messages):
        return "handoff"  # not the call pinned to every reply after a handoff
    return "fallback" if messages[0].get("text", "").strip() == FALLBACK else "answer"


def tip(body: dict) -> int | None:
    text = " ".join(m.get("text") or "" for m in body.get("messages") or [])
    return next((i for i, t in enumerate(SELF_HELP_TIPS) if text.startswith(t)), None)


def converse(gateway_url: str, number: int, began: float, sending: Callable[[], None]) -> list[Turn]:
    turns, session = [], None
    with httpx.Client(timeout=30) as client:
        for index, message in enumerate(SCRIPT):
            sending()
            sent = time.monotonic()
            response = client.post(f"{gateway_url}/api/chat",
                                   json={"site": "test-host", "session": session, "message": message})
            seconds = time.monotonic() - sent
            body = response.json()
            session = body.get("session", session)
            turns.append(Turn(number, index, message, message == CRISIS, sent - began, seconds,
                              reply_kind(response.status_code, body), tip(body)))
            time.sleep(PAUSE_SECONDS)
    return turns


def run_phase(gateway_url: str, fault: Callable[[], None] | None) -> tuple[list[Turn], float | None]:
    """CONVERSATIONS conversations at once; the fault while a message is on its way, once each
    conversation is a few messages in. The turns, and when the fault came (seconds after the phase
    began)."""
    began, counted, lock, ready = time.monotonic(), [0], threading.Lock(), threading.Event()

    def sending() -> None:
        with lock:
            counted[0] += 1
            if counted[0] > FAULT_AFTER:
                ready.set()

    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        futures = [pool.submit(converse, gateway_url, n, began, sending) for n in range(CONVERSATIONS)]
        fault_at = None
        if fault is not None:
            ready.wait(60)
            time.sleep(FAULT_DELAY_SECONDS)
            fault_at = time.monotonic() - began
            fault()
        turns = [turn for future in futures for turn in future.result()]
    return turns, fault_at


def figures(turns: list[Turn]) -> dict:
    latencies = sorted(turn.seconds for turn in turns)
    counts: dict[str, int] = {}
    for turn in turns:
        counts[turn.reply] = counts.get(turn.reply, 0) + 1
    return {
        "messages": len(turns), "replies": counts,
        "p50_seconds": round(statistics.median(latencies), 3),
        "p95_seconds": round(latencies[max(0, round(0.95 * len(latencies)) - 1)], 3),
        "max_seconds": round(latencies[-1], 3),
    }


def check_promise(turns: list[Turn], fault_at: float | None) -> None:
    for turn in turns:
        assert turn.seconds < PROMISE_SECONDS, asdict(turn)
        # Rasa's own "didn't follow" (a replica whose stores failed) carries the number too.
        assert turn.reply in {"answer", "kind", "handoff", "fallback"}, asdict(turn)
        if turn.crisis:
            assert turn.reply == "handoff", asdict(turn)
    settled = [turn for turn in turns if fault_at is None or turn.sent > fault_at + PROMISE_SECONDS]
    assert settled, "no message after the fault settled"
    for turn in settled:
        assert turn.reply in {"answer", "handoff"}, asdict(turn)
    for number in range(CONVERSATIONS):
        tips = [turn.tip for turn in turns if turn.conversation == number and turn.tip is not None]
        # The conversation kept its state across replicas: each tip after the one before.
        assert tips == sorted(set(tips)) and len(tips) >= 4, tips


def phase_report(name: str, turns: list[Turn], fault_at: float | None) -> dict:
    report = {"phase": name, **figures(turns)}
    if fault_at is not None:
        report["fault_at_seconds"] = round(fault_at, 3)
        report["after_fault"] = figures([turn for turn in turns if turn.sent >= fault_at])
        settled = [turn for turn in turns if turn.sent > fault_at + PROMISE_SECONDS]
        report["settled"] = figures(settled)
    # Each turn in order (the script's message by its number, not its words), to see who waited.
    report["turns"] = [[turn.conversation, turn.index, round(turn.sent, 2), round(turn.seconds, 3),
                        turn.reply] for turn in sorted(turns, key=lambda turn: turn.sent)]
    return report


def rejoined(topology: Topology, host: Host) -> None:
    """Its link back up, and the gateway's rest for it over: it takes its turn again."""
    url = f"http://{host.address(topology.front)}:{topology.settings.rasa_port}/"
    eventually(lambda: reachable(url), 30, "the Rasa host back on the network")
    time.sleep(topology.settings.rasa_replica_rest_seconds)


def reachable(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def rasa_b_gone(topology: Topology) -> None:
    topology.rasa_b.link(topology.front, False)


def rasa_b_back(topology: Topology) -> None:
    topology.rasa_b.link(topology.front, True)
    rejoined(topology, topology.rasa_b)


def rasa_a_cut_off_from_redis(topology: Topology) -> None:
    topology.rasa_a.link(topology.back, False)


def rasa_a_back_on_redis(topology: Topology) -> None:
    topology.rasa_a.link(topology.back, True)
    rejoined(topology, topology.rasa_a)


def rasa_b_slow_to_redis(topology: Topology) -> None:
    # A conversation's tracker (a few KB) then takes seconds to come from Redis.
    topology.rasa_b.slow(topology.back, SLOW_REDIS_RATE)


Fault = Callable[[Topology], None]
# Each phase: its name, the fault that comes mid-conversation, and what undoes it afterwards.
PHASES: list[tuple[str, Fault | None, Fault | None]] = [
    ("all hosts up", None, None),
    ("Rasa host B off the network (its link down mid-conversation)", rasa_b_gone, rasa_b_back),
    ("Rasa host A cut off from Redis (its Redis link down mid-conversation)", rasa_a_cut_off_from_redis,
     rasa_a_back_on_redis),
    (f"Rasa host B's Redis link slowed to {SLOW_REDIS_RATE}/s mid-conversation (tc tbf)", rasa_b_slow_to_redis, None),
]


def test_conversations_keep_their_promise_while_hosts_fail(topology):
    assert NUMBER in KIND[0]["text"] and NUMBER in FALLBACK
    report = []
    for name, fault, repair in PHASES:
        turns, fault_at = run_phase(topology.settings.gateway_url, fault and (lambda f=fault: f(topology)))
        report.append(phase_report(name, turns, fault_at))
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report[-1], indent=2))
        check_promise(turns, fault_at)
        if repair:
            repair(topology)
