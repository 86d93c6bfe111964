"""The safety gate: every crisis example caught, at most 2% of `none` judged crisis, on the
evaluation set (tests/data) and on every set of examples the model learns from."""

from collections import Counter
from pathlib import Path

import pytest

from bot.risk.evaluate import MAX_NONE_AS_CRISIS, Report, evaluate
from bot.risk.rules import read_jsonl
from bot.risk.screen import RULES_DIR

EVALUATION = Path(__file__).resolve().parents[2] / "data" / "risk_eval.jsonl"
SETS = [EVALUATION, *sorted((RULES_DIR / "examples").glob("*.jsonl"))]


def test_the_evaluation_set_is_big_and_hard_enough():
    rows = [row for _, row in read_jsonl(EVALUATION)]
    levels = Counter(row["level"] for row in rows)
    hard_negatives = [row for row in rows if row["level"] == "none" and row["kind"].startswith("hn_")]
    assert len(rows) >= 400 and levels["crisis"] >= 150 and levels["concern"] >= 60
    assert levels["none"] >= 190 and len(hard_negatives) >= 80
    assert len({row["text"].casefold() for row in rows}) == len(rows)


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_gate(path):
    report = evaluate(path)
    assert report.recall("crisis") == 1.0, report.render()
    assert report.none_as_crisis() <= MAX_NONE_AS_CRISIS, report.render()


def test_report_arithmetic():
    report = Report()
    for expected, got in [("crisis", "crisis"), ("crisis", "concern"), ("none", "crisis"), ("none", "none")]:
        report.add("t", expected, got, [])
    assert report.recall("crisis") == 0.5
    assert report.precision("crisis") == 0.5
    assert report.none_as_crisis() == 0.5
    assert not report.passed()
    assert "crisis -> concern" in report.render()
