"""The risk screen's model with different features, side by side on the sets never tuned on.

Usage: python benchmarks/risk_approaches.py

Each approach keeps the same rules, grammar and conversation judge and changes only what the
model reads: n-grams alone, n-grams with the encoder's static vectors (what the screen uses), or
n-grams with the full forward pass of the encoder. Prints, per approach, the untuned sets' figures
and the milliseconds a message takes (median and p99 over every message of the sets).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from bench import percentile

from bot.encoder import DIMENSIONS, SentenceEncoder, StaticEncoder
from bot.risk import RiskScreen
from bot.risk.evaluate import UNTUNED_DIR, evaluate
from bot.risk.rules import read_jsonl


class NoMeaning:
    """The n-grams alone: every text's meaning vector is zero."""

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), DIMENSIONS), dtype=np.float32)


def timings(screen: RiskScreen, texts: list[str]) -> tuple[float, float]:
    samples = []
    for text in texts:
        started = time.perf_counter()
        screen.assess(text)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile(samples, 0.99)


def main() -> None:
    sets = sorted(UNTUNED_DIR.glob("*.jsonl"))
    texts = [turn["text"] for path in sets for _, row in read_jsonl(path) for turn in row.get("turns", [row])]
    approaches = {"n-grams": NoMeaning(), "n-grams + static encoder": StaticEncoder(), "n-grams + full encoder": SentenceEncoder()}
    for name, encoder in approaches.items():
        started = time.perf_counter()
        screen = RiskScreen(encoder=encoder)
        print(f"== {name} (built in {time.perf_counter() - started:.0f} s)")
        for path in sets:
            found = evaluate(path, screen).measures()
            print(f"  {path.stem}: " + "  ".join(f"{key} {value:.3f}" for key, value in found.items()))
        median, p99 = timings(screen, texts)
        print(f"  ms a message: median {median:.2f}, p99 {p99:.2f}", flush=True)


if __name__ == "__main__":
    main()
