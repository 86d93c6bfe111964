"""Risk screening speed: median and p99 per message, and messages per second.

Usage: python benchmarks/risk_screen.py [rounds]   (every labelled message, `rounds` times)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bot.risk import RiskScreen
from bot.risk.rules import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
LABELLED = [*(ROOT / "tests" / "data").glob("risk_*.jsonl"), *(ROOT / "data" / "risk" / "examples").glob("*.jsonl")]


def main(rounds: int) -> None:
    texts = [row["text"] for path in sorted(LABELLED) for _, row in read_jsonl(path)]
    screen = RiskScreen()
    for text in texts[:50]:  # warm up
        screen.assess(text)
    timings = []
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            screen.assess(text)
            timings.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"messages:   {len(timings)} ({len(texts)} distinct x {rounds})")
    print(f"median:     {statistics.median(timings) * 1000:.3f} ms")
    print(f"p99:        {p99 * 1000:.3f} ms")
    print(f"max:        {timings[-1] * 1000:.3f} ms")
    print(f"throughput: {len(timings) / elapsed:,.0f} messages/s (one core)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
