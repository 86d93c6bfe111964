"""Evaluates the risk screen on a labelled set: recall and precision per level, and every miss.

Usage: python -m bot.risk.evaluate [SET.jsonl ...]   (default: every tests/data/risk_*.jsonl)
Exits 1 if, in any set, a crisis example is missed or more than 2% of `none` are judged crisis.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.risk import Level, RiskScreen
from bot.risk.rules import read_jsonl

DEFAULT_SETS = "tests/data/risk_*.jsonl"
MAX_NONE_AS_CRISIS = 0.02


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)  # (expected, got) -> n
    misses: list[tuple[str, str, str, list[str]]] = field(default_factory=list)

    def add(self, text: str, expected: str, got: str, rules: list[str]) -> None:
        self.counts[(expected, got)] += 1
        if expected != got:
            self.misses.append((expected, got, text, rules))

    def recall(self, level: str) -> float:
        total = sum(n for (e, _), n in self.counts.items() if e == level)
        return self.counts[(level, level)] / total if total else 1.0

    def precision(self, level: str) -> float:
        total = sum(n for (_, g), n in self.counts.items() if g == level)
        return self.counts[(level, level)] / total if total else 1.0

    def support(self, level: str) -> int:
        return sum(n for (e, _), n in self.counts.items() if e == level)

    def none_as_crisis(self) -> float:
        none = self.support("none")
        return self.counts[("none", "crisis")] / none if none else 0.0

    def passed(self) -> bool:
        return self.recall("crisis") == 1.0 and self.none_as_crisis() <= MAX_NONE_AS_CRISIS

    def render(self) -> str:
        lines = [f"{'level':8} {'recall':>7} {'precision':>9} {'support':>7}"]
        for level in Level:
            lines.append(
                f"{level.value:8} {self.recall(level.value):7.3f} "
                f"{self.precision(level.value):9.3f} {self.support(level.value):7d}"
            )
        lines.append(f"none judged crisis: {self.none_as_crisis():.1%} (limit {MAX_NONE_AS_CRISIS:.0%})")
        if self.misses:
            lines.append("misses (expected -> got: text [rules]):")
            for expected, got, text, rules in sorted(self.misses):
                lines.append(f"  {expected} -> {got}: {text} {rules}")
        return "\n".join(lines)


def evaluate(path: Path, screen: RiskScreen | None = None) -> Report:
    screen = screen or RiskScreen()
    report = Report()
    for _, row in read_jsonl(path):
        result = screen.assess(row["text"])
        report.add(row["text"], row["level"], result.level.value, list(result.rules))
    return report


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or sorted(Path().glob(DEFAULT_SETS))
    screen = RiskScreen()
    failed = []
    for path in paths:
        report = evaluate(path, screen)
        print(f"== {path} ({sum(report.counts.values())} messages)")
        print(report.render())
        if not report.passed():
            failed.append(path.name)
    if failed:
        print(f"FAIL ({', '.join(failed)}): crisis recall must be 1.0 and none-as-crisis at most 2%")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
