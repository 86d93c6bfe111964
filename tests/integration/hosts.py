"""Hosts of the test's own on this machine: network namespaces joined by bridges, for tests that
take a host's link down or slow it, as a switch port or a cable would.

Each network is a bridge in the root namespace with a private /24 (the root namespace, where
pytest runs, is .1 on each); each host is a namespace with loopback and one veth per network it is
on. Names carry the run's id, so runs side by side do not meet. `Hosts.close()` removes everything
(the processes inside the namespaces first), also after a failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.stack import Stack, redis_available, wait_until


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def can_make_namespaces() -> str | None:
    """Why this machine cannot run such a test, or None when it can."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = f"bkprobe{os.getpid()}"
    try:
        ip("netns", "add", probe)
    except (OSError, subprocess.CalledProcessError) as error:
        return f"cannot create a network namespace: {getattr(error, 'stderr', '') or error}"
    ip("netns", "del", probe)
    return None


@dataclass
class Network:
    bridge: str
    prefix: str  # "10.77.12": the network is prefix.0/24, the root namespace prefix.1

    def address(self, number: int) -> str:
        return f"{self.prefix}.{number}"


@dataclass
class Host:
    namespace: str
    number: int
    # network bridge -> the veth end on the bridge (in the root namespace); the host's own ends are
    # net0, net1... in the order of its networks.
    ports: dict[str, str] = field(default_factory=dict)

    def address(self, network: Network) -> str:
        return network.address(self.number)

    def command(self, args: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, *args]

    def link(self, network: Network, up: bool) -> None:
        """The host's cable to that network pulled out or put back (its port on the bridge)."""
        ip("link", "set", self.ports[network.bridge], "up" if up else "down")

    def slow(self, network: Network, rate: str) -> None:
        """What comes to the host from that network, squeezed to `rate` (tc's token bucket; netem,
        which delays by a set time, is not in every kernel, e.g. not in this machine's)."""
        subprocess.run(["tc", "qdisc", "replace", "dev", self.ports[network.bridge], "root", "tbf", "rate", rate,
                        "burst", "1600", "latency", "20s"], check=True, capture_output=True)


class Hosts:
    def __init__(self, run: str | None = None) -> None:
        self.run = run or str(os.getpid() % 100_000)
        self.networks: list[Network] = []
        self.hosts: list[Host] = []

    def network(self, label: str) -> Network:
        index = len(self.networks)
        subnet = (int(self.run) * 4 + index) % 250 + 1
        network = Network(bridge=f"bk{self.run}{label}"[:15], prefix=f"10.77.{subnet}")
        self.networks.append(network)  # before it exists, so that close() removes a half-made one
        ip("link", "add", network.bridge, "type", "bridge")
        ip("addr", "add", f"{network.address(1)}/24", "dev", network.bridge)
        ip("link", "set", network.bridge, "up")
        return network

    def host(self, name: str, *networks: Network) -> Host:
        host = Host(namespace=f"bk{self.run}-{name}", number=10 + len(self.hosts))
        self.hosts.append(host)
        ip("netns", "add", host.namespace)
        ip("-n", host.namespace, "link", "set", "lo", "up")
        for index, network in enumerate(networks):
            port = f"bk{self.run}h{host.number}n{index}"[:15]
            inside = f"net{index}"
            host.ports[network.bridge] = port
            ip("link", "add", port, "type", "veth", "peer", "name", inside, "netns", host.namespace)
            ip("link", "set", port, "master", network.bridge, "up")
            ip("-n", host.namespace, "addr", "add", f"{host.address(network)}/24", "dev", inside)
            ip("-n", host.namespace, "link", "set", inside, "up")
        return host

    def close(self) -> None:
        for host in self.hosts:
            pids = subprocess.run(["ip", "netns", "pids", host.namespace], capture_output=True, text=True).stdout
            for pid in pids.split():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)
            subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True)
            for port in host.ports.values():
                subprocess.run(["ip", "link", "del", port], capture_output=True)
        for network in self.networks:
            subprocess.run(["ip", "link", "del", network.bridge], capture_output=True)


@dataclass
class HostStack(Stack):
    """bot.stack's processes, each started inside a host's namespace."""

    host: Host | None = None

    def _spawn(self, name: str, args: list[str], niceness: int = 0, env: dict[str, str] | None = None):
        assert self.host is not None
        # Named after the host too: the hosts of a test share one log folder.
        return super()._spawn(f"{self.host.namespace}-{name}", self.host.command(args), niceness, env)

    def start_redis(self, *options: str, timeout: float = 20) -> None:
        """A Redis server on this host, where the settings' redis_url points."""
        url = urlsplit(self.settings.redis_url)
        process = self._spawn("redis", ["redis-server", "--bind", str(url.hostname), "--port", str(url.port),
                                        "--save", "", "--appendonly", "no", "--protected-mode", "no",
                                        # where a replica keeps its copy of the master's data
                                        "--dir", str(self.log_dir), "--dbfilename", f"{self.host.namespace}.rdb",
                                        *options])
        wait_until(lambda: redis_available(self.settings.redis_url), timeout, "redis", process)

    def start_sentinel(self, name: str, config: Path) -> None:
        """A Redis Sentinel on this host (it rewrites its config file, so each has its own)."""
        self._spawn(name, ["redis-server", str(config), "--sentinel"])


def eventually(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: still not so after {seconds:.0f} s")
        time.sleep(0.2)
