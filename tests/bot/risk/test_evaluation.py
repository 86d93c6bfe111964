"""The safety gate: every labelled set at or above its recorded floor (recall on crisis never goes
down), and the arithmetic behind it."""

from collections import Counter
from pathlib import Path

import pytest

from bot.risk.evaluate import MAX_NONE_AS_CRISIS, Report, all_sets, evaluate, floors, never_tuned, raised
from bot.risk.rules import read_jsonl

EVALUATION = Path(__file__).resolve().parents[2] / "data" / "risk_eval.jsonl"


def test_the_evaluation_set_is_big_and_hard_enough():
    rows = [row for _, row in read_jsonl(EVALUATION)]
    levels = Counter(row["level"] for row in rows)
    hard_negatives = [row for row in rows if row["level"] == "none" and row["kind"].startswith("hn_")]
    assert len(rows) >= 400 and levels["crisis"] >= 150 and levels["concern"] >= 60
    assert levels["none"] >= 190 and len(hard_negatives) >= 80
    assert len({row["text"].casefold() for row in rows}) == len(rows)


def test_every_set_has_a_floor_and_some_are_never_tuned_on():
    sets = all_sets()
    assert {path.stem for path in sets} <= set(floors())
    assert sum(never_tuned(path) for path in sets) >= 2


@pytest.mark.parametrize("path", all_sets(), ids=lambda p: p.stem)
def test_gate(path):
    report = evaluate(path)
    assert report.passed(floors()[path.stem]), report.render(misses=not never_tuned(path))


def test_a_set_without_a_floor_keeps_every_crisis():
    report = Report()
    for expected, got in [("crisis", "crisis"), ("crisis", "concern"), ("none", "crisis"), ("none", "none")]:
        report.add("t", expected, got, [])
    assert report.recall("crisis") == 0.5
    assert report.precision("crisis") == 0.5
    assert report.none_as_crisis() == 0.5 > MAX_NONE_AS_CRISIS
    assert not report.passed()
    assert "crisis -> concern" in report.render()
    assert "crisis -> concern" not in report.render(misses=False)


def test_a_floor_is_met_or_not_in_the_right_direction():
    report = Report()
    for expected, got in [("crisis", "crisis"), ("crisis", "none"), ("none", "none"), ("none", "concern")]:
        report.add("t", expected, got, [])
    assert report.passed({"crisis_as_crisis": 0.5, "crisis_as_none": 0.5, "none_as_concern": 0.5})
    assert not report.passed({"crisis_as_crisis": 0.6})
    assert not report.passed({"crisis_as_none": 0.4})
    # False alarms may move by two points (a refitted model), what a crisis gets may not.
    assert report.passed({"none_as_concern": 0.49})
    assert not report.passed({"none_as_concern": 0.47})


def test_recording_never_lowers_a_floor():
    floor = {"crisis_as_crisis": 0.9, "crisis_as_none": 0.05}
    assert raised(floor, {"crisis_as_crisis": 0.8, "crisis_as_none": 0.1}) == floor
    assert raised(floor, {"crisis_as_crisis": 0.95, "crisis_as_none": 0.01}) == {"crisis_as_crisis": 0.95, "crisis_as_none": 0.01}
    assert raised(None, {"none_as_crisis": 0.123456}) == {"none_as_crisis": 0.1235}
