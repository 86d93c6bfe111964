"""Backup's full stack side by side with a stock Rasa 3.6 bot, under the same load, on this machine.

`make bench` runs it: it makes a `rasa init` bot in a temporary folder (timing its training),
starts it on its REST channel, then drives both with the same multi-turn conversations at 1, 10
and 50 at once (an async httpx driver, loopback only, bounded in time and count), measures a
crisis reply's latency while 50 conversations run against Backup (sent from a process of its own,
as a person on another device would, so the driver's own event loop does not delay it), the CPU
each process spends a message, the risk screen's time a message, every process's memory (RSS and
PSS), start-up time to ready and `rasa train` time, what insight counting costs (the top level on
fresh stacks with counting off and on, in turn), and writes the table to BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.content import UNAVAILABLE
from bot.settings import Settings
from bot.stack import RASA_BIN, ROOT, Stack, free_port, redis_available, wait_until

LEVELS = (1, 10, 50)
SECONDS_PER_LEVEL = 20
MAX_REQUESTS_PER_LEVEL = 5000
CLIENTS = 10
STOCK_SCRIPT = ["hello", "I am sad", "yes", "no", "are you a bot?", "great", "bye"]
BACKUP_SCRIPT = ["hello", "is it confidential", "what happens when i call", "whats the number",
                 "cant sleep after nights", "thanks", "bye"]
CRISIS = "i cant do this anymore, im going to end it tonight"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(q * len(ordered))) - 1)] if ordered else float("nan")


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Target:
    """Where the load goes: a stock Rasa REST channel or Backup's gateway."""

    def __init__(self, name: str, script: list[str], send):
        self.name, self.script, self.send = name, script, send


async def conversation(client: httpx.AsyncClient, target: Target, result: Result, deadline: float,
                       budget: list[int]) -> None:
    state: dict = {"sender": uuid.uuid4().hex}
    while time.monotonic() < deadline:
        for text in target.script:
            if time.monotonic() >= deadline or budget[0] <= 0:
                return
            budget[0] -= 1
            started = time.perf_counter()
            try:
                ok = await target.send(client, state, text)
            except httpx.HTTPError:
                ok = False
            if ok:
                result.latencies.append((time.perf_counter() - started) * 1000)
            else:
                result.errors += 1
        state = {"sender": uuid.uuid4().hex}


async def run_level(target: Target, concurrency: int, deadline: float) -> Result:
    """The conversations share CLIENTS httpx clients: httpx's connection pool looks through all of
    its connections for each request, so one client for 50 conversations cost the driver 1.8 ms of
    CPU a request, CPU the stack under test then lacks; ten clients of five cost 0.8 ms."""
    result = Result()
    per_client = -(-concurrency // CLIENTS)
    limits = httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client)
    clients = [httpx.AsyncClient(timeout=30, limits=limits) for _ in range(min(CLIENTS, concurrency))]
    budget = [MAX_REQUESTS_PER_LEVEL]
    started = time.perf_counter()
    try:
        await asyncio.gather(*[conversation(clients[index % len(clients)], target, result, deadline, budget)
                               for index in range(concurrency)])
    finally:
        result.seconds = time.perf_counter() - started
        await asyncio.gather(*[client.aclose() for client in clients])
    return result


async def crisis_probe(url: str, deadline: float) -> Result:
    """A crisis message every 200 ms, each in a new conversation, while the load runs."""
    result, target = Result(), backup_target(url, [CRISIS])
    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.sleep(1)
        while time.monotonic() < deadline - 1:
            started = time.perf_counter()
            ok = await target.send(client, {}, CRISIS)
            if ok:
                result.latencies.append((time.perf_counter() - started) * 1000)
            else:
                result.errors += 1
            await asyncio.sleep(0.2)
    return result


def probe_process(url: str, deadline: float, results: multiprocessing.Queue) -> None:
    results.put(asyncio.run(crisis_probe(url, deadline)))


def load(target: Target, concurrency: int, crisis_url: str | None = None) -> tuple[Result, Result | None]:
    """One level of load; with crisis_url, the crisis probe runs beside it in its own process."""
    deadline = time.monotonic() + SECONDS_PER_LEVEL  # CLOCK_MONOTONIC: the same in every process
    probe, queue = None, None
    if crisis_url:
        context = multiprocessing.get_context("fork")  # forked before this process runs a loop
        queue = context.Queue()
        probe = context.Process(target=probe_process, args=(crisis_url, deadline, queue))
        probe.start()
    result = asyncio.run(run_level(target, concurrency, deadline))
    if probe is None:
        return result, None
    crisis = queue.get(timeout=60)
    probe.join()
    return result, crisis


def stock_target(url: str) -> Target:
    async def send(client, state, text):
        response = await client.post(f"{url}/webhooks/rest/webhook", json={"sender": state["sender"], "message": text})
        return response.status_code == 200  # an empty reply list is a valid answer for Rasa
    return Target("stock Rasa (rasa init)", STOCK_SCRIPT, send)


def backup_target(url: str, script: list[str] = BACKUP_SCRIPT) -> Target:
    async def send(client, state, text):
        response = await client.post(f"{url}/api/chat", json={
            "site": "intranet-demo", "session": state.get("session"), "message": text})
        if response.status_code != 200:
            return False
        reply = response.json()
        state["session"] = reply["session"]
        # The kind message the gateway sends when Rasa did not answer in time is not an answer.
        return all(message.get("text") != UNAVAILABLE for message in reply["messages"])
    return Target("Backup (gateway, Rasa, actions, Redis)", script, send)


def process_tree(pid: int) -> list[int]:
    pids, found = [pid], []
    while pids:
        current = pids.pop()
        found.append(current)
        try:
            pids.extend(int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
    return found


def kilobytes(pid: int, path: str, field: str) -> float:
    try:
        return next(int(line.split()[1]) for line in Path(f"/proc/{pid}/{path}").read_text().splitlines()
                    if line.startswith(field))
    except (OSError, StopIteration):
        return 0.0


def memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process and its descendants, in MB. RSS counts pages that forked Sanic
    workers share with their parent (TensorFlow's, mostly) once per process; PSS splits each shared
    page between the processes that share it, so PSS sums to what the machine really holds."""
    tree = process_tree(pid)
    return (sum(kilobytes(p, "status", "VmRSS:") for p in tree) / 1024,
            sum(kilobytes(p, "smaps_rollup", "Pss:") for p in tree) / 1024)


def cpu_seconds(pid: int, children: bool = True) -> float:
    """User and system CPU time of a process (and, by default, of its descendants) so far."""
    total = 0.0
    for current in process_tree(pid) if children else [pid]:
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return total


def redis_pid(url: str) -> int:
    import redis
    return int(redis.Redis.from_url(url).info("server")["process_id"])


class CpuMeter:
    """CPU milliseconds each process spends a message answered, over one level of load."""

    def __init__(self, processes: dict[str, int]):
        self.processes = processes
        self.started = self.now()

    def now(self) -> dict[str, float]:
        # The driver is this process, without its children (the stack it started).
        readings = {name: cpu_seconds(pid) for name, pid in self.processes.items()}
        return {**readings, "load driver": cpu_seconds(os.getpid(), children=False)}

    def per_message(self, messages: int) -> dict[str, float]:
        return {name: (used - self.started[name]) * 1000 / messages for name, used in self.now().items()}


def start_stock(folder: Path, port: int) -> tuple[subprocess.Popen, float, float]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    subprocess.run([str(RASA_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)], cwd=folder,
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    train_seconds = time.perf_counter() - started
    log = open(folder / "rasa.log", "w")  # noqa: SIM115 (lives as long as the process)
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(RASA_BIN / "rasa"), "run", "--model", "models", "--interface", "127.0.0.1", "--port", str(port)],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": "x", "message": "hi"},
                                  timeout=5).status_code == 200, 300, "stock Rasa", process)
    return process, train_seconds, time.perf_counter() - started


def backup_train_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([str(RASA_BIN / "rasa"), "train", "--force", "--fixed-model-name", "backup", "--out",
                    str(Path(tempfile.mkdtemp()))], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    return time.perf_counter() - started


def risk_screen_ms() -> tuple[float, float]:
    from bot.risk import get_screen
    screen = get_screen()
    texts = BACKUP_SCRIPT + STOCK_SCRIPT + [CRISIS] * 3
    for text in texts:
        screen.assess(text)
    timings = []
    for _ in range(200):
        for text in texts:
            started = time.perf_counter()
            screen.assess(text)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 0.99)


def row(name: str, level: int, result: Result) -> str:
    return (f"| {name} | {level} | {result.throughput:.1f} | {statistics.median(result.latencies):.0f} | "
            f"{percentile(result.latencies, 0.95):.0f} | {percentile(result.latencies, 0.99):.0f} | "
            f"{result.errors} |")


def run_levels(results: dict, stack: str, target: Target, processes: dict[str, int],
               crisis_url: str | None = None) -> Result | None:
    """Each level of load in turn into results[(stack, level)]; at the top level the CPU each
    process spends a message goes to results[f"{stack} cpu"], and the crisis probe (with
    crisis_url) runs beside it. Returns the crisis probe's result."""
    for level in LEVELS:
        top = level == max(LEVELS)
        meter = CpuMeter(processes) if top else None
        results[(stack, level)], crisis = load(target, level, crisis_url if top else None)
        print(f"    {level:>2} at once: {results[(stack, level)].throughput:.1f} msg/s", flush=True)
    answered = len(results[(stack, max(LEVELS))].latencies) + (len(crisis.latencies) if crisis else 0)
    results[f"{stack} cpu"] = meter.per_message(answered)
    return crisis


def start_backup(work: Path, **changes) -> tuple[Stack, Settings, float]:
    """Backup's whole stack on free ports, its limits out of the load's way; and its start-up time."""
    settings = Settings.from_environment(rasa_port=free_port(), action_server_port=free_port(), gateway_port=free_port(),
                                         metrics_port=free_port(), messages_per_minute_per_session=100_000,
                                         messages_per_minute_per_client=1_000_000, **changes)
    stack = Stack(settings, log_dir=work / "backup-logs", use_redis=redis_available(settings.redis_url))
    started = time.perf_counter()
    stack.start()
    return stack, settings, time.perf_counter() - started


def stack_processes(stack: Stack, settings: Settings) -> dict[str, int]:
    return {**{name: process.pid for name, process in stack.processes.items()}, "redis": redis_pid(settings.redis_url)}


def counting_cost(work: Path) -> dict[bool, list[tuple[float, float]]]:
    """What insight counting costs: the top level of load on a fresh stack with counting off, then
    on, twice over (interleaved, as this VM's speed swings); for each run, msg/s and the CPU all of
    Backup's processes (Redis included) spend a message."""
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for counting in (False, True, False, True):
        stack, settings, _ = start_backup(work, insight_counting=counting)
        try:
            meter = CpuMeter(stack_processes(stack, settings))
            result, _ = load(backup_target(settings.gateway_url), max(LEVELS))
            cpu = meter.per_message(len(result.latencies))
            runs[counting].append((result.throughput, sum(ms for name, ms in cpu.items() if name != "load driver")))
            print(f"    counting {'on ' if counting else 'off'}: {result.throughput:.1f} msg/s", flush=True)
        finally:
            stack.stop()
    return runs


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    print("1/6 stock Rasa: rasa init (trains the default config)...", flush=True)
    stock_port = free_port()
    stock, stock_train, stock_start = start_stock(work, stock_port)
    results: dict = {}
    try:
        print("2/6 load on stock Rasa...", flush=True)
        run_levels(results, "stock", stock_target(f"http://127.0.0.1:{stock_port}"), {"rasa": stock.pid})
        stock_memory = memory_mb(stock.pid)
    finally:
        os.killpg(stock.pid, 15)
        stock.wait()

    print("3/6 Backup's stack...", flush=True)
    stack, settings, backup_start = start_backup(work)
    try:
        gateway = backup_target(settings.gateway_url)
        processes = stack_processes(stack, settings)
        print("4/6 load on Backup...", flush=True)
        results["crisis"] = run_levels(results, "backup", gateway, processes, settings.gateway_url)
        memory = {name: memory_mb(pid) for name, pid in processes.items()}
    finally:
        stack.stop()
    print("5/6 insight counting off and on, in turn...", flush=True)
    results["counting"] = counting_cost(work)
    print("6/6 training time and risk screen...", flush=True)
    backup_train = backup_train_seconds()
    risk_median, risk_p99 = risk_screen_ms()
    shutil.rmtree(work, ignore_errors=True)
    write_report(results, stock_train, stock_start, stock_memory, backup_train, backup_start, memory,
                 risk_median, risk_p99, settings.rasa_workers)


def counting_row(runs: dict[bool, list[tuple[float, float]]], top: int) -> str:
    on_rate, on_cpu = (statistics.mean(values) for values in zip(*runs[True]))
    off_rate, off_cpu = (statistics.mean(values) for values in zip(*runs[False]))
    return (f"| insight counting at {top} at once (2 runs each, interleaved) | on {on_rate:.1f} msg/s, off "
            f"{off_rate:.1f} msg/s ({on_rate / off_rate - 1:+.1%}); CPU a message, all processes: on {on_cpu:.2f} ms, "
            f"off {off_cpu:.2f} ms ({on_cpu - off_cpu:+.2f} ms) |")


def memory_cell(rss: float, pss: float) -> str:
    return f"{rss:.0f} / {pss:.0f}"


def rasa_python() -> str:
    """Rasa's environment runs another Python than this script (the gateway's)."""
    printed = subprocess.run([str(RASA_BIN / "python"), "--version"], capture_output=True, text=True, check=True)
    return printed.stdout.strip()


def write_report(results, stock_train, stock_start, stock_memory, backup_train, backup_start, memory,
                 risk_median, risk_p99, workers) -> None:
    crisis = results["crisis"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, on "
        f"{platform.machine()} with {os.cpu_count()} cores, the gateway on Python {platform.python_version()} and "
        f"Rasa on {rasa_python()}, "
        f"{platform.system()} {platform.release()}. Loopback only; {SECONDS_PER_LEVEL} s (at most "
        f"{MAX_REQUESTS_PER_LEVEL} messages) a level; each conversation is a {len(BACKUP_SCRIPT)}-turn "
        "script, started again with a new id when it ends. Backup runs Rasa with "
        f"{workers} Sanic worker{'s' if workers > 1 else ''} (`RASA_WORKERS`); stock Rasa has one (its in-memory "
        "lock store allows no more).",
        "",
        "Errors are failed requests (not HTTP 200, or no answer in 30 s) and, for Backup, the kind message the "
        "gateway sends when Rasa did not answer within `RASA_TIMEOUT_SECONDS`.",
        "",
        "| stack | at once | msg/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for level in LEVELS:
        lines.append(row("stock Rasa 3.6 (`rasa init`, REST)", level, results[("stock", level)]))
        lines.append(row("Backup (gateway → Rasa → actions, Redis)", level, results[("backup", level)]))
    lines += ["", "| at once | throughput Backup / stock | p95 Backup / stock |", "| --- | --- | --- |"]
    for level in LEVELS:
        stock, backup = results[("stock", level)], results[("backup", level)]
        lines.append(f"| {level} | {backup.throughput / stock.throughput:.2f}x | "
                     f"{percentile(backup.latencies, 0.95) / percentile(stock.latencies, 0.95):.2f}x |")
    rss, pss = (sum(values[i] for values in memory.values()) for i in (0, 1))
    top = max(LEVELS)
    lines += [
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| crisis reply while {top} conversations run (n={len(crisis.latencies)}, from a separate process) | "
        f"p50 {statistics.median(crisis.latencies):.1f} ms, p99 {percentile(crisis.latencies, 0.99):.1f} ms, "
        f"errors {crisis.errors} |",
        f"| risk screen, a message | median {risk_median:.3f} ms, p99 {risk_p99:.3f} ms |",
        f"| memory, Backup, RSS / PSS MB | {', '.join(f'{k} {memory_cell(*v)}' for k, v in memory.items())}; "
        f"total {memory_cell(rss, pss)} |",
        f"| memory, stock Rasa, RSS / PSS MB | {memory_cell(*stock_memory)} |",
        f"| CPU ms a message at {top} at once, Backup | "
        f"{', '.join(f'{k} {v:.1f}' for k, v in results['backup cpu'].items())} |",
        f"| CPU ms a message at {top} at once, stock Rasa | "
        f"{', '.join(f'{k} {v:.1f}' for k, v in results['stock cpu'].items())} |",
        counting_row(results["counting"], top),
        f"| start-up to ready | Backup {backup_start:.1f} s (all processes); stock Rasa {stock_start:.1f} s |",
        f"| `rasa train` | Backup {backup_train:.1f} s (`--force`); stock {stock_train:.1f} s (`rasa init`) |",
        "",
    ]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
