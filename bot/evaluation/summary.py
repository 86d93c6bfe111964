"""Turns Rasa's and the risk screen's reports into one short summary, and compares two summaries.

Macro F1 here is the mean over the intents a test set contains. Rasa's own "macro avg" also
averages labels that were only predicted (nlu_fallback, the risk intents), each scoring 0, which
punishes a test set for what it does not contain.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from bot.risk import Level
from bot.risk.evaluate import Report
from bot.risk.rules import RISK_INTENTS

FALLBACK_INTENT, OUT_OF_SCOPE = "nlu_fallback", "out_of_scope"


def predictions(folder: Path) -> list[tuple[str, str]]:
    """(expected, predicted) for every test message, from Rasa's successes and errors files."""
    rows: list[tuple[str, str]] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        if (folder / name).exists():
            rows += [(row["intent"], row["intent_prediction"]["name"]) for row in json.loads((folder / name).read_text())]
    return rows


def nlu_scores(folder: Path, top_confusions: int = 10) -> dict[str, Any]:
    """Per-intent precision, recall, F1 and support, macro F1 and the most confused pairs.

    Messages the risk screen took (predicted risk_crisis or risk_concern) are counted apart: what
    happens to them is the risk screen's business, gated by its own evaluation.
    """
    rows = predictions(folder)
    routed = Counter(predicted for expected, predicted in rows if predicted in RISK_INTENTS and expected not in RISK_INTENTS)
    scored = [(e, p) for e, p in rows if e not in RISK_INTENTS and p not in RISK_INTENTS]
    support = Counter(expected for expected, _ in scored)
    predicted_as = Counter(predicted for _, predicted in scored)
    correct = Counter(expected for expected, predicted in scored if expected == predicted)
    intents = {}
    for name in sorted(support):
        precision = correct[name] / predicted_as[name] if predicted_as[name] else 0.0
        recall = correct[name] / support[name]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        intents[name] = {"precision": precision, "recall": recall, "f1": f1, "support": support[name]}
    confused = Counter((e, p) for e, p in scored if e != p).most_common(top_confusions)
    # In scope: every message of a catalogue intent but out_of_scope; the fallback answers none well.
    in_scope = [(e, p) for e, p in rows if e not in RISK_INTENTS and e != OUT_OF_SCOPE]
    fallback = sum(1 for _, predicted in in_scope if predicted == FALLBACK_INTENT)
    return {
        "messages": len(rows),
        "scored": len(scored),
        "routed": dict(routed),
        "accuracy": sum(correct.values()) / len(scored),
        "macro_f1": sum(row["f1"] for row in intents.values()) / len(intents),
        "intents": intents,
        "confused": [[expected, predicted, count] for (expected, predicted), count in confused],
        "in_scope": len(in_scope),
        "fallback": fallback,
        "fallback_rate": fallback / len(in_scope) if in_scope else 0.0,
    }


def story_scores(story_report: Path) -> dict[str, Any]:
    report = json.loads(story_report.read_text())
    conversations = report.get("conversation_accuracy", {"correct": 0, "total": 0, "accuracy": 0.0})
    return {
        "correct": conversations["correct"],
        "total": conversations["total"],
        "accuracy": conversations["accuracy"],
        "action_accuracy": report["accuracy"],
    }


def risk_scores(report: Report, floor: dict[str, float] | None = None, never_tuned: bool = False) -> dict[str, Any]:
    return {
        "never_tuned": never_tuned,
        "measures": report.measures(),
        "levels": {
            level.value: {
                "recall": report.recall(level.value),
                "precision": report.precision(level.value),
                "support": report.support(level.value),
            }
            for level in Level
        },
        "none_as_crisis": report.none_as_crisis(),
        "misses": len(report.misses),
        "passed": report.passed(floor),
    }


def _delta(now: float, before: float | None) -> str:
    if before is None:
        return ""
    change = now - before
    return " (=)" if abs(change) < 0.0005 else f" ({change:+.3f})"


def _get(summary: dict | None, *keys: str) -> Any:
    for key in keys:
        if not isinstance(summary, dict) or key not in summary:
            return None
        summary = summary[key]
    return summary


def _routed(routed: dict[str, int]) -> str:
    return ", ".join(f"{count} as {name.removeprefix('risk_')}" for name, count in sorted(routed.items())) or "none"


def _nlu_section(title: str, key: str, summary: dict, previous: dict | None, never_tuned: bool = False) -> list[str]:
    nlu = summary[key]
    # A never-tuned set's wrong predictions are not offered for reading (nobody tunes on them).
    errors = ("its wrong predictions are not listed (never tune on this set)" if never_tuned
              else f"every wrong prediction: `{nlu['folder']}/intent_errors.json`")
    fallback = ""
    if "fallback_rate" in nlu:
        fallback = (f"In-scope messages that fell to the fallback: {nlu['fallback']} of {nlu['in_scope']}, "
                    f"{nlu['fallback_rate']:.1%}{_delta(nlu['fallback_rate'], _get(previous, key, 'fallback_rate'))}. ")
    lines = [
        f"## {title}",
        "",
        f"Macro F1 **{nlu['macro_f1']:.3f}**{_delta(nlu['macro_f1'], _get(previous, key, 'macro_f1'))}, "
        f"accuracy {nlu['accuracy']:.3f}{_delta(nlu['accuracy'], _get(previous, key, 'accuracy'))}, "
        f"on the {nlu['scored']} of {nlu['messages']} messages that are catalogue intents and that the risk "
        f"screen left to the intent classifier (it took {_routed(nlu['routed'])}). {fallback}"
        f"Pictures: [confusion matrix]({nlu['folder']}/intent_confusion_matrix.png), "
        f"[confidence histogram]({nlu['folder']}/intent_histogram.png); "
        f"{errors}.",
        "",
        "| intent | precision | recall | F1 | support |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    # Weakest first: what a trainer should look at is at the top.
    for name, row in sorted(nlu["intents"].items(), key=lambda item: (item[1]["f1"], item[0])):
        before = _get(previous, key, "intents", name, "f1")
        lines.append(
            f"| {name} | {row['precision']:.2f} | {row['recall']:.2f} | "
            f"{row['f1']:.2f}{_delta(row['f1'], before)} | {row['support']} |"
        )
    lines += ["", "Most confused (expected → predicted, times):", ""]
    lines += [f"- {expected} → {predicted}: {count}" for expected, predicted, count in nlu["confused"]] or ["- none"]
    return lines + [""]


def render(summary: dict, previous: dict | None) -> str:
    """The Markdown a trainer reads; changes since the previous run are in brackets."""
    stories, risk = summary["stories"], summary["risk"]
    lines = [
        "# Evaluation summary",
        "",
        f"Run {summary['finished']}; "
        + (f"compared with the previous run of {previous['finished']} (changes in brackets)."
           if previous else "no previous run to compare with."),
        "",
        "| gate | result |",
        "| --- | --- |",
    ]
    lines += [f"| {gate['name']} | {'pass' if gate['passed'] else '**FAIL**'} |" for gate in summary["gates"]]
    lines.append("")
    if "nlu_fresh" in summary:
        lines += _nlu_section("Intents on the fresh set (a new writer's; never trained or tuned on)",
                              "nlu_fresh", summary, previous, never_tuned=True)
    if "nlu_heldback" in summary:
        lines += _nlu_section("Intents on the held-back set (never trained on)", "nlu_heldback", summary, previous)
    if "nlu_cv" in summary:
        lines += _nlu_section(
            f"Intents, {summary['nlu_cv']['folds']}-fold cross-validation on the training data",
            "nlu_cv", summary, previous,
        )
    lines += [
        "## Conversations",
        "",
        f"Stories correct: {stories['correct']}/{stories['total']}, "
        f"{stories['accuracy']:.3f}{_delta(stories['accuracy'], _get(previous, 'stories', 'accuracy'))}; "
        f"actions correct: {stories['action_accuracy']:.3f}"
        f"{_delta(stories['action_accuracy'], _get(previous, 'stories', 'action_accuracy'))}. "
        "Failed stories, if any: `stories/failed_test_stories.yml`.",
        "",
        "## Risk screen",
        "",
    ]
    lines += ["Sets never tuned on (the generalisation figures; misses not listed):", "",
              "| set | crisis→crisis | crisis→none | concern→≥concern | none→crisis | none→concern |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, scores in risk.items():
        if scores["never_tuned"]:
            found = scores["measures"]
            cells = [f"{found[key]:.3f}" if key in found else "" for key in (
                "crisis_as_crisis", "crisis_as_none", "concern_at_least_concern", "none_as_crisis", "none_as_concern")]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for name, scores in risk.items():
        lines += [f"`{name}`{' (never tuned on)' if scores['never_tuned'] else ''}: none judged crisis "
                  f"{scores['none_as_crisis']:.1%}, {scores['misses']} misses"
                  f"{'' if scores['never_tuned'] else ' (listed by `make evaluate-risk`)'}"
                  f"{'' if scores['passed'] else ', BELOW ITS FLOOR'}.", "",
                  "| level | recall | precision | support |", "| --- | ---: | ---: | ---: |"]
        for level, row in scores["levels"].items():
            before = _get(previous, "risk", name, "levels", level, "recall")
            lines.append(f"| {level} | {row['recall']:.3f}{_delta(row['recall'], before)} | "
                         f"{row['precision']:.3f} | {row['support']} |")
        lines.append("")
    return "\n".join(lines)
