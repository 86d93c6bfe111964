"""The evaluation summary: scores computed from Rasa's per-message results, and the comparison."""

from __future__ import annotations

import json

import pytest

from bot.evaluation.__main__ import forget_errors, keep_previous
from bot.evaluation.summary import nlu_scores, render, story_scores


def write_results(folder, rows: list[tuple[str, str]]) -> None:
    def as_json(selected):
        return json.dumps([{"text": f"m{i}", "intent": e, "intent_prediction": {"name": p, "confidence": 0.5}}
                           for i, (e, p) in enumerate(selected)])
    (folder / "intent_successes.json").write_text(as_json([r for r in rows if r[0] == r[1]]))
    (folder / "intent_errors.json").write_text(as_json([r for r in rows if r[0] != r[1]]))


@pytest.fixture
def scores(tmp_path):
    write_results(tmp_path, [
        ("greet", "greet"), ("greet", "greet"), ("greet", "thank"),
        ("thank", "thank"), ("thank", "nlu_fallback"),
        ("feeling_low", "risk_concern"), ("risk_crisis", "risk_crisis"),
    ])
    return nlu_scores(tmp_path)


def test_precision_recall_and_f1_per_intent(scores):
    assert scores["intents"]["greet"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})
    assert scores["intents"]["thank"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})


def test_macro_f1_averages_the_intents_of_the_test_set_only(scores):
    # nlu_fallback was predicted but is no intent of the set: it does not drag the mean down.
    assert set(scores["intents"]) == {"greet", "thank"}
    assert scores["macro_f1"] == pytest.approx(0.65)
    assert scores["accuracy"] == pytest.approx(3 / 5)


def test_messages_the_risk_screen_took_are_counted_apart(scores):
    assert scores["messages"] == 7
    assert scores["scored"] == 5  # neither the risk example nor the message the screen took
    assert scores["routed"] == {"risk_concern": 1}


def test_most_confused_pairs(scores):
    assert sorted(scores["confused"]) == [["greet", "thank", 1], ["thank", "nlu_fallback", 1]]


def test_the_fallback_rate_counts_in_scope_messages_only(tmp_path):
    write_results(tmp_path, [
        ("greet", "nlu_fallback"), ("greet", "greet"), ("thank", "thank"), ("thank", "thank"),
        ("out_of_scope", "nlu_fallback"), ("out_of_scope", "out_of_scope"), ("risk_crisis", "nlu_fallback"),
    ])
    scores = nlu_scores(tmp_path)
    # out_of_scope falling back is right, and a risk example is the screen's business.
    assert (scores["fallback"], scores["in_scope"]) == (1, 4)
    assert scores["fallback_rate"] == pytest.approx(0.25)


def test_a_never_tuned_sets_wrong_predictions_are_deleted_once_scored(tmp_path):
    write_results(tmp_path, [("greet", "greet"), ("greet", "thank")])
    forget_errors(tmp_path)
    assert not (tmp_path / "intent_errors.json").exists()
    assert (tmp_path / "intent_successes.json").exists()


def test_the_fresh_set_leads_with_its_fallback_rate_and_no_errors_to_read(scores):
    summary = {**summary_with(0.92, scores), "nlu_fresh": {**scores, "macro_f1": 0.91, "folder": "nlu_fresh"}}
    text = render(summary, previous=None)
    fresh, held_back = text.index("## Intents on the fresh set"), text.index("## Intents on the held-back set")
    assert fresh < held_back
    assert "In-scope messages that fell to the fallback: 1 of 6, 16.7%." in text[fresh:held_back]
    assert "intent_errors.json" not in text[fresh:held_back]
    assert "`nlu_heldback/intent_errors.json`" in text[held_back:]


def summary_with(macro_f1: float, scores: dict) -> dict:
    return {
        "finished": "2026-11-28 10:00 UTC",
        "gates": [{"name": "held-back NLU macro F1 ≥ 0.90", "passed": macro_f1 >= 0.9}],
        "nlu_heldback": {**scores, "macro_f1": macro_f1, "folder": "nlu_heldback"},
        "stories": {"correct": 16, "total": 16, "accuracy": 1.0, "action_accuracy": 1.0},
        "risk": {
            "risk_eval": {"levels": {"crisis": {"recall": 1.0, "precision": 0.98, "support": 197}},
                          "none_as_crisis": 0.0, "misses": 3, "passed": True, "never_tuned": False,
                          "measures": {"crisis_as_crisis": 1.0}},
            "writer_a": {"levels": {"crisis": {"recall": 0.9, "precision": 0.95, "support": 80}},
                         "none_as_crisis": 0.04, "misses": 31, "passed": False, "never_tuned": True,
                         "measures": {"crisis_as_crisis": 0.9, "crisis_as_none": 0.075}},
        },
    }


def test_the_summary_shows_what_changed_since_the_previous_run(scores):
    text = render(summary_with(0.92, scores), previous=summary_with(0.90, scores))
    assert "Macro F1 **0.920** (+0.020)" in text
    assert "| greet | 1.00 | 0.67 | 0.80 (=) | 3 |" in text
    assert "on the 5 of 7 messages" in text and "(it took 1 as concern)" in text
    # The never-tuned sets' figures lead the risk section, their misses are not offered for reading.
    assert "| writer_a | 0.900 | 0.075 |  |  |  |" in text
    assert "`writer_a` (never tuned on): none judged crisis 4.0%, 31 misses, BELOW ITS FLOOR." in text
    assert "`risk_eval`: none judged crisis 0.0%, 3 misses (listed by `make evaluate-risk`)." in text


def test_the_first_summary_says_there_is_nothing_to_compare(scores):
    text = render(summary_with(0.85, scores), previous=None)
    assert "no previous run to compare with" in text
    assert "| held-back NLU macro F1 ≥ 0.90 | **FAIL** |" in text


def test_the_last_summary_becomes_the_previous_one(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"finished": "then"}))
    (tmp_path / "summary.md").write_text("# then")
    assert keep_previous(tmp_path) == {"finished": "then"}
    assert not (tmp_path / "summary.json").exists()
    assert (tmp_path / "previous" / "summary.md").read_text() == "# then"
    # A run that failed before writing its summary still compares with the one before.
    assert keep_previous(tmp_path) == {"finished": "then"}


def test_story_scores(tmp_path):
    report = {"accuracy": 0.98, "conversation_accuracy": {"accuracy": 0.9375, "correct": 15, "total": 16}}
    (tmp_path / "story_report.json").write_text(json.dumps(report))
    assert story_scores(tmp_path / "story_report.json") == {
        "correct": 15, "total": 16, "accuracy": 0.9375, "action_accuracy": 0.98}
