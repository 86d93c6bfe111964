"""A replicated Redis on loopback for the tests and benchmarks: a master, its replicas and the
sentinels watching it, each a real redis-server process (Debian's; `redis-server conf --sentinel`
is Sentinel) on a free port, keeping nothing on disk. Production runs the same servers elsewhere.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import redis

from bot.stack import free_port

MASTER_NAME = "backup"
# Short, so a test sees a failover in seconds: the master judged down after a second's silence.
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 5000


class RedisProcess:
    """One redis-server, or a sentinel watching the master on `sentinel_of`."""

    def __init__(self, folder: Path, name: str, *args: str, sentinel_of: int | None = None):
        self.port = free_port()
        self.log = (folder / f"{name}.log").open("w")
        if sentinel_of is None:
            command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                       "--appendonly", "no", "--dir", str(folder), "--dbfilename", f"{name}.rdb",
                       "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", *args]
        else:
            config = folder / f"{name}.conf"  # Sentinel rewrites its own configuration file
            config.write_text("\n".join([
                f"port {self.port}", "bind 127.0.0.1", f"dir {folder}",
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {sentinel_of} 2",
                f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}",
                f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MS}",
                f"sentinel parallel-syncs {MASTER_NAME} 1", "",
            ]))
            command = ["redis-server", str(config), "--sentinel"]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1, decode_responses=True)

    def kill(self) -> None:
        """SIGKILL: gone at once, nothing flushed, no goodbye to replicas or sentinels."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


@dataclass
class RedisGroup:
    master: RedisProcess
    replicas: list[RedisProcess]
    sentinels: list[RedisProcess]

    @property
    def sentinel_setting(self) -> str:
        """What REDIS_SENTINELS says for this group."""
        return ",".join(f"127.0.0.1:{sentinel.port}" for sentinel in self.sentinels)

    def master_port(self) -> int:
        """The master's port as the first sentinel that answers says now."""
        for sentinel in self.sentinels:
            try:
                address = cast(tuple, sentinel.client.sentinel_get_master_addr_by_name(MASTER_NAME))
                return int(address[1])
            except redis.RedisError:
                continue
        raise RuntimeError("no sentinel answered")

    def ready(self) -> bool:
        """Every replica attached; every sentinel sees them and the other sentinels."""
        try:
            if self.master.client.info("replication")["connected_slaves"] != len(self.replicas):
                return False
            views = [cast(dict, sentinel.client.sentinel_master(MASTER_NAME)) for sentinel in self.sentinels]
        except redis.RedisError:
            return False
        return all(int(view["num-other-sentinels"]) == len(self.sentinels) - 1
                   and int(view["num-slaves"]) == len(self.replicas) for view in views)

    def node(self, port: int) -> RedisProcess:
        return next(node for node in [self.master, *self.replicas] if node.port == port)


@contextmanager
def redis_group(folder: Path, replicas: int = 2, sentinels: int = 3, timeout: float = 30) -> Iterator[RedisGroup]:
    """Started and ready (logs in `folder`), stopped on leaving."""
    master = RedisProcess(folder, "master")
    group = RedisGroup(
        master,
        [RedisProcess(folder, f"replica-{n}", "--replicaof", "127.0.0.1", str(master.port)) for n in range(replicas)],
        [RedisProcess(folder, f"sentinel-{n}", sentinel_of=master.port) for n in range(sentinels)],
    )
    try:
        deadline = time.monotonic() + timeout
        while not group.ready():
            if time.monotonic() > deadline:
                raise TimeoutError(f"replication or Sentinel not ready after {timeout:.0f} s; logs in {folder}")
            time.sleep(0.1)
        yield group
    finally:
        for node in [*group.sentinels, *group.replicas, master]:
            node.stop()
