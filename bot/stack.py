"""Starts and stops Backup's local processes: the action server, Rasa and the gateway.

Each runs in its own environment (README, "Two runtimes"): the gateway from `.venv-gateway`
(Python 3.12), Rasa and the action server from `.venv` (Python 3.10, Rasa 3.6's pins).

`make run` uses `python -m bot.stack`; `make shell` and `make interactive` use
`python -m bot.stack shell|interactive` (the action server, then `rasa shell` or `rasa interactive`
in the terminal); the integration tests use `Stack` directly, so all run the stack the same way.
Every process binds to loopback. With Redis reachable Rasa keeps trackers and locks there;
without it Rasa runs on its in-memory stores.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from bot.redis_connection import RedisAddress, available
from bot.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
# The two environments the Makefile builds; this module runs in either.
RASA_BIN = ROOT / ".venv" / "bin"
GATEWAY_BIN = ROOT / ".venv-gateway" / "bin"
STORE_KEYS = ("tracker_store", "lock_store")
RASA_NICENESS = 5
TALK_COMMANDS = ("shell", "interactive")


def free_port() -> int:
    """A loopback port nothing listens on right now (for tests and benchmarks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_available(url: str) -> bool:
    """Whether a plain Redis (no Sentinel) answers at this URL."""
    return available(RedisAddress.from_settings(Settings(redis_url=url)))


def in_memory_endpoints(source: Path, target: Path) -> Path:
    """A copy of endpoints.yml without the Redis stores, so Rasa falls back to memory."""
    endpoints = yaml.safe_load(source.read_text())
    for key in STORE_KEYS:
        endpoints.pop(key, None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(endpoints))
    return target


def wait_until(check, timeout: float, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it was ready")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


@dataclass
class Stack:
    settings: Settings
    model: Path = ROOT / "models"
    log_dir: Path = ROOT / ".run" / "logs"
    use_redis: bool = True
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        # Rasa's telemetry and crash reports would send data off the machine: always off.
        return {
            **os.environ,
            **self.settings.as_environment(),
            **self.settings.endpoint_environment(),
            "RASA_TELEMETRY_ENABLED": "false",
            # Unbuffered, so the logs hold everything a process said (the privacy tests read them).
            "PYTHONUNBUFFERED": "1",
        }

    def endpoints(self) -> Path:
        source = ROOT / "endpoints.yml"
        if self.use_redis:
            return source
        return in_memory_endpoints(source, self.log_dir.parent / "endpoints.memory.yml")

    def _spawn(self, name: str, args: list[str], niceness: int = 0,
               env: dict[str, str] | None = None) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            args, cwd=ROOT, env={**self.environment(), **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=(lambda: os.nice(niceness)) if niceness else None,
        )
        self.processes[name] = process
        return process

    def _start_uvicorn(self, name: str, bin_dir: Path, app: str, host: str, port: int, health: str,
                       timeout: float) -> None:
        process = self._spawn(name, [
            str(bin_dir / "uvicorn"), app, "--host", host, "--port", str(port),
            "--no-access-log", "--ws", "none",
        ])
        wait_until(
            lambda: httpx.get(f"http://{host}:{port}{health}", timeout=2).status_code == 200,
            timeout, name.replace("_", " "), process,
        )

    def start_action_server(self, timeout: float = 60) -> None:
        s = self.settings
        self._start_uvicorn("action_server", RASA_BIN, "actions.server:app", s.action_server_host,
                            s.action_server_port, "/health", timeout)

    def rasa_command(self, port: int) -> list[str]:
        s = self.settings
        return [
            str(RASA_BIN / "rasa"), "run", "--model", str(self.model),
            "--endpoints", str(self.endpoints()), "--credentials", str(ROOT / "credentials.yml"),
            "--interface", s.rasa_host, "--port", str(port),
            # One argument: a token may begin with "-", which argparse would take for an option.
            "--enable-api", f"--auth-token={s.rasa_token}",
        ]

    def start_rasa(self, port: int | None = None, name: str = "rasa", timeout: float = 240) -> None:
        port = port or self.settings.rasa_port
        # Rasa does the heavy lifting at a lower priority, so that under load the gateway, which
        # answers crisis messages itself, still gets the CPU at once.
        process = self._spawn(name, self.rasa_command(port), niceness=RASA_NICENESS,
                              env={"SANIC_WORKERS": str(self.settings.rasa_workers)})
        wait_until(lambda: self.rasa_status(port).get("model_file"), timeout, name, process)

    def start_gateway(self, timeout: float = 120) -> None:
        s = self.settings
        self._start_uvicorn("gateway", GATEWAY_BIN, "gateway.app:app", s.gateway_host, s.gateway_port, "/healthz", timeout)

    def rasa_status(self, port: int | None = None) -> dict:
        s = self.settings
        url = f"http://{s.rasa_host}:{port or s.rasa_port}/status"
        response = httpx.get(url, params={"token": s.rasa_token}, timeout=2)
        return response.json() if response.status_code == 200 else {}

    def start(self) -> None:
        try:
            self.start_action_server()
            self.start_rasa()
            self.start_gateway()
        except (RuntimeError, TimeoutError) as error:
            self.stop()
            raise RuntimeError(f"{error}; its log is in {self.log_dir}") from error
        except BaseException:
            self.stop()
            raise

    def stop(self, name: str | None = None, grace_seconds: float = 15) -> None:
        """SIGTERM to every process (each its own group) at once, then SIGKILL to whichever is still
        running after the grace period: stopping takes the slowest process's time, not their sum."""
        stopping = [self.processes.pop(key) for key in ([name] if name else list(self.processes))]
        running = [process for process in stopping if process.poll() is None]
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def describe(stack: Stack) -> str:
    s = stack.settings
    store = (
        f"{RedisAddress.from_settings(s)}, conversations expire after "
        f"{s.conversation_ttl_seconds // 60} idle minutes"
        if stack.use_redis
        else f"in memory (not reachable: {RedisAddress.from_settings(s)})"
    )
    return "\n".join([
        "",
        "Backup is running. Press Ctrl-C to stop everything.",
        f"  Open the intranet demo: {s.gateway_url}/",
        f"  Embed on another site:  {s.gateway_url}/embed",
        f"  Chat API (OpenAPI):     {s.gateway_url}/openapi.json",
        f"  Rasa (loopback only):   {s.rasa_url}",
        f"  Action server:          {s.action_server_url}/health",
        f"  Metrics (operators):    {s.metrics_url}",
        f"  Insight (owners):       {s.gateway_url}/insights, with the token in {insights_token_file(stack)}",
        f"  Conversations:          {store}",
        f"  Logs:                   {stack.log_dir}",
        "",
    ])


def insights_token_file(stack: Stack) -> Path:
    return stack.log_dir.parent / "insights-token"


def keep_insights_token(stack: Stack) -> None:
    """The token /insights asks for, in a file only this user may read (0600), not on the screen."""
    path = insights_token_file(stack)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write(stack.settings.insights_token + "\n")


def stop_on_signals() -> None:
    """Ctrl-C, `kill`, a service manager or a time-out: stop the children too. SIGINT is set here as
    well, since Python leaves it ignored when the parent ignored it (a shell's background job)."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def talk(stack: Stack, command: str) -> int:
    """`rasa shell` or `rasa interactive` in this terminal, against the real action server."""
    print("Starting the action server; Rasa then takes about a minute. /stop or Ctrl-C leaves.", flush=True)
    stack.start_action_server()
    try:
        return subprocess.run([
            str(RASA_BIN / "rasa"), command, "--model", str(stack.model),
            "--endpoints", str(stack.endpoints()), "--port", str(free_port()),
            *(["--interface", stack.settings.rasa_host] if command == "shell" else []),
            *(["--skip-visualization"] if command == "interactive" else []),
        ], cwd=ROOT, env=stack.environment()).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        stack.stop()


def main(argv: list[str]) -> int:
    stop_on_signals()
    settings = get_settings()
    use_redis = available(RedisAddress.from_settings(settings))
    if not use_redis:
        print(f"Not reachable: {RedisAddress.from_settings(settings)}; "
              "running on Rasa's in-memory stores (conversations are lost on restart).")
    stack = Stack(settings, use_redis=use_redis)
    if argv and argv[0] in TALK_COMMANDS:
        return talk(stack, argv[0])
    if argv:
        print(f"usage: python -m bot.stack [{'|'.join(TALK_COMMANDS)}]", file=sys.stderr)
        return 2
    print("Starting the action server, Rasa (about a minute) and the gateway...", flush=True)
    stack.start()
    keep_insights_token(stack)
    print(describe(stack), flush=True)
    try:
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
        print("A process stopped unexpectedly; see the logs above.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
