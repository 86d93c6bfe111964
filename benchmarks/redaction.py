"""Review-queue redaction speed: per message on every labelled message, and on a hostile long one.

Usage: python benchmarks/redaction.py
Only messages the assistant did not understand are redacted, so this is far from the hot path;
the long input shows the patterns stay linear (no catastrophic backtracking).
"""

from __future__ import annotations

import statistics
import time
import timeit
from pathlib import Path

from bot.review.redact import redact
from bot.risk.rules import read_jsonl

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    texts = [row["text"] for path in sorted((ROOT / "tests" / "data").glob("risk_*.jsonl")) for _, row in read_jsonl(path)]
    for text in texts:  # warm up: the word lists load on first use
        redact(text)
    timings = [min(timeit.repeat(lambda t=text: redact(t), number=20, repeat=3)) / 20 for text in texts]
    hostile = "a" * 200_000 + "@" + ".".join(["b"] * 50_000) + " 0" * 50_000
    started = time.perf_counter()
    redact(hostile)
    print(f"messages: {len(texts)}")
    print(f"median:   {statistics.median(timings) * 1e6:.0f} µs")
    print(f"max:      {max(timings) * 1e6:.0f} µs")
    print(f"hostile {len(hostile):,} characters: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
