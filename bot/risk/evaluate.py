"""Evaluates the risk screen on labelled sets: recall and precision per level, and every miss.

Usage: python -m bot.risk.evaluate [--record] [SET.jsonl ...]   (default: every set, see `all_sets`)

--record writes each set's figures as its floor: a new set's first contact, or a floor raised
(a floor is never lowered: a worse figure fails instead).

A set holds messages ({"text", "level"}), each judged alone, or conversations ({"id", "turns"}),
judged turn by turn in their conversation (bot.risk.conversation), as the assistant reads them.

Sets we tuned on: tests/data/risk_eval.jsonl, tests/data/risk/tuning/, data/risk/examples/. Sets
never tuned on, tests/data/risk/untuned/, give the generalisation figures; their misses are not
printed, so nobody tunes on them by accident. Every set must stay at its floor in
tests/data/risk/floors.json (recall on crisis never goes down); a set with no floor yet must keep
every crisis and judge at most 2% of `none` crisis until its first-contact figures are recorded there.
What a crisis or concern message gets may never get worse; false alarms may move by two points.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.risk import Level, RiskScreen
from bot.risk.conversation import RiskState, judge
from bot.risk.rules import read_jsonl

ROOT = Path(__file__).resolve().parents[2]
RISK_SETS = ROOT / "tests" / "data" / "risk"
EXAMPLES = ROOT / "data" / "risk" / "examples"
TUNED = [ROOT / "tests" / "data" / "risk_eval.jsonl", *sorted((RISK_SETS / "tuning").glob("*.jsonl")),
         *sorted(EXAMPLES.glob("*.jsonl"))]
UNTUNED_DIR = RISK_SETS / "untuned"
FLOORS = RISK_SETS / "floors.json"
MAX_NONE_AS_CRISIS = 0.02
# Measures where a higher figure is worse; floors are kept to 4 places, compared within that.
LOWER_IS_BETTER = ("crisis_as_none", "none_as_crisis", "none_as_concern")
TOLERANCE = 1e-4
# False alarms may move by up to two points when the model is refitted on new examples (a message
# or two in a set of 100); what a crisis gets never may.
FALSE_ALARM_SLACK = {"none_as_crisis": 0.02, "none_as_concern": 0.02}


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)  # (expected, got) -> n
    # Never in the repr: a failed test would print an untuned set's messages.
    misses: list[tuple[str, str, str, list[str]]] = field(default_factory=list, repr=False)

    def add(self, text: str, expected: str, got: str, rules: list[str]) -> None:
        self.counts[(expected, got)] += 1
        if expected != got:
            self.misses.append((expected, got, text, rules))

    def support(self, level: str) -> int:
        return sum(n for (e, _), n in self.counts.items() if e == level)

    def share(self, expected: str, *got: str) -> float:
        total = self.support(expected)
        return sum(self.counts[(expected, g)] for g in got) / total if total else 0.0

    def recall(self, level: str) -> float:
        return self.share(level, level) if self.support(level) else 1.0

    def precision(self, level: str) -> float:
        total = sum(n for (_, g), n in self.counts.items() if g == level)
        return self.counts[(level, level)] / total if total else 1.0

    def measures(self) -> dict[str, float]:
        """The figures the targets are stated in (only those the set has messages for)."""
        found = {}
        if self.support("crisis"):
            found["crisis_as_crisis"] = self.share("crisis", "crisis")
            found["crisis_as_none"] = self.share("crisis", "none")
        if self.support("concern"):
            found["concern_at_least_concern"] = self.share("concern", "concern", "crisis")
        if self.support("none"):
            found["none_as_crisis"] = self.share("none", "crisis")
            found["none_as_concern"] = self.share("none", "concern")
        return found

    def none_as_crisis(self) -> float:
        return self.share("none", "crisis")

    def passed(self, floor: dict[str, float] | None = None) -> bool:
        if floor is None:
            return self.recall("crisis") == 1.0 and self.none_as_crisis() <= MAX_NONE_AS_CRISIS
        found = self.measures()
        return all(
            found[name] <= limit + TOLERANCE + FALSE_ALARM_SLACK.get(name, 0.0) if name in LOWER_IS_BETTER
            else found[name] >= limit - TOLERANCE
            for name, limit in floor.items() if name in found
        )

    def render(self, misses: bool = True) -> str:
        lines = [f"{'level':8} {'recall':>7} {'precision':>9} {'support':>7}"]
        for level in Level:
            lines.append(
                f"{level.value:8} {self.recall(level.value):7.3f} "
                f"{self.precision(level.value):9.3f} {self.support(level.value):7d}"
            )
        lines.append("  ".join(f"{name} {value:.3f}" for name, value in self.measures().items()))
        if self.misses and not misses:
            lines.append(f"{len(self.misses)} misses (not listed: a set never tuned on)")
        elif self.misses:
            lines.append("misses (expected -> got: text [rules]):")
            for expected, got, text, rules in sorted(self.misses):
                lines.append(f"  {expected} -> {got}: {text} {rules}")
        return "\n".join(lines)


def evaluate(path: Path, screen: RiskScreen | None = None) -> Report:
    screen = screen or RiskScreen()
    report = Report()
    for _, row in read_jsonl(path):
        if "turns" in row:
            state = RiskState()
            for turn in row["turns"]:
                verdict = judge(screen.assess(turn["text"]), state)
                state = verdict.state
                report.add(turn["text"], turn["level"], verdict.level.value, list(verdict.rules))
        else:
            result = screen.assess(row["text"])
            report.add(row["text"], row["level"], result.level.value, list(result.rules))
    return report


def floors() -> dict[str, dict[str, float]]:
    return json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}


def all_sets() -> list[Path]:
    return [*TUNED, *sorted(UNTUNED_DIR.glob("*.jsonl"))]


def never_tuned(path: Path) -> bool:
    return path.resolve().parent == UNTUNED_DIR.resolve()


def raised(floor: dict[str, float] | None, found: dict[str, float]) -> dict[str, float]:
    """The floor moved to what was found wherever that is better, never where it is worse."""
    if floor is None:
        return {name: round(value, 4) for name, value in found.items()}
    return {
        name: round(min(limit, found.get(name, limit)) if name in LOWER_IS_BETTER else max(limit, found.get(name, limit)), 4)
        for name, limit in floor.items()
    }


def main(argv: list[str]) -> int:
    record = "--record" in argv
    paths = [Path(arg) for arg in argv if arg != "--record"] or all_sets()
    screen = RiskScreen()
    recorded = floors()
    failed = []
    for path in paths:
        report = evaluate(path, screen)
        if record:
            recorded[path.stem] = raised(recorded.get(path.stem), report.measures())
        kind = "never tuned on" if never_tuned(path) else "tuned on"
        print(f"== {path} ({sum(report.counts.values())} messages, {kind})")
        print(report.render(misses=not never_tuned(path)))
        if not report.passed(recorded.get(path.stem)):
            failed.append(path.name)
    if record:
        FLOORS.write_text(json.dumps(dict(sorted(recorded.items())), indent=2) + "\n", encoding="utf-8")
        print(f"Floors written to {FLOORS}")
    if failed:
        print(f"FAIL ({', '.join(failed)}): below the floor in {FLOORS.name}, or (no floor yet) a crisis "
              f"missed or more than {MAX_NONE_AS_CRISIS:.0%} of none judged crisis")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
