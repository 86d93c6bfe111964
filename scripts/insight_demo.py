"""A scripted day of traffic on two sites through a running gateway, for a look at /insights.

    .venv-gateway/bin/python scripts/insight_demo.py [--gateway http://127.0.0.1:8000] [--token T]

Sends real conversations (greetings, questions about the line, topics, a message the assistant
will not understand, concern answered no and yes, a crisis), call-link taps and quick exits by the
widget's beacon, and clears, like a quiet day: many on the first site, a few (under ten) on the
second. Everything goes through the public API, so it is counted exactly as real use would be.
With --token it prints /insights.csv's rows for today. The gateway's per-client limit (60 a
minute by default) paces it: a refused message is sent again a little later.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import httpx

CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("hello", "what is the crisis line?", "is it confidential?"),
    ("what happens when i call",),
    ("i can't sleep after nights",),
    ("i'm behind on my mortgage payments",),
    ("a colleague of mine died by suicide last month",),
    ("i attended a really bad job yesterday and keep seeing it",),
    ("i'm so stressed at work", "what else can help"),
    ("where do i park at headquarters",),
    ("i'm at breaking point", "no"),
)
AT_RISK: tuple[tuple[str, ...], ...] = (("i'm at breaking point", "yes"), ("i want to end my life",))


def send(client: httpx.Client, site: str, session: str | None, message: str) -> str | None:
    for _ in range(30):
        response = client.post("/api/chat", json={"site": site, "session": session, "message": message})
        if response.status_code != 429:
            response.raise_for_status()
            return response.json()["session"]
        time.sleep(5)
    raise RuntimeError("the gateway kept refusing: is its per-client limit very low?")


def beacon(client: httpx.Client, site: str, event: str) -> None:
    client.post(f"/api/insight/{event}", params={"site": site})


def conversation(client: httpx.Client, site: str, rng: random.Random, n: int) -> None:
    """The n-th conversation: one in eight at risk (and the call link tapped), one in nine left by
    quick exit, one in four (of the rest) cleared."""
    at_risk = n % 8 == 0
    session = None
    for message in rng.choice(AT_RISK if at_risk else CONVERSATIONS):
        session = send(client, site, session, message)
    if at_risk:
        beacon(client, site, "call_tap")
    if n % 9 == 4:
        beacon(client, site, "quick_exit")
        client.delete(f"/api/chat/{session}")
    elif n % 4 == 3:
        client.delete(f"/api/chat/{session}", params={"site": site})


def drive(gateway: str, sites: list[str], busy: int = 40, quiet: int = 4, seed: int = 18) -> None:
    """`busy` conversations on the first site and `quiet` on the second."""
    rng = random.Random(seed)
    with httpx.Client(base_url=gateway, timeout=30) as client:
        for site, count in zip(sites, (busy, quiet)):
            for n in range(count):
                conversation(client, site, rng, n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument("--token", help="INSIGHTS_TOKEN, to print today's CSV rows afterwards")
    parser.add_argument("--busy", type=int, default=40)
    parser.add_argument("--quiet", type=int, default=4)
    args = parser.parse_args()
    sites = [site["id"] for site in httpx.get(f"{args.gateway}/api/sites", timeout=10).json()][:2]
    if len(sites) < 2:
        print("the gateway needs two sites (sites.yml)", file=sys.stderr)
        return 1
    started = time.monotonic()
    drive(args.gateway, sites, args.busy, args.quiet)
    print(f"Drove {args.busy} conversations on {sites[0]} and {args.quiet} on {sites[1]} "
          f"in {time.monotonic() - started:.0f} s.")
    if args.token:
        response = httpx.get(f"{args.gateway}/insights.csv", headers={"Authorization": f"Bearer {args.token}"},
                             params={"period": "day"}, timeout=30)
        response.raise_for_status()
        print(response.text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
