"""`make evaluate`: every measure of the assistant's understanding in one run, written to reports/.

Usage: python -m bot.evaluation [--folds N] [--model PATH] [--out DIR]

Stages: NLU cross-validation on the training data (N folds; 0 skips it), NLU on the two held-back
sets with the trained model (the fresh set, never tuned on, and the older held-back set), the
conversation tests, the risk screen's labelled sets. Then reports/summary.md (and .json), compared
with the previous run's, which moves to reports/previous/. Exits 1 when a gate fails: a held-back
set's macro F1 below its floor, in-scope fresh messages falling to the fallback above the ceiling, a
held-back message judged crisis (the set holds no risk), a failed story, or the risk screen's gate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.evaluation.summary import nlu_scores, render, risk_scores, story_scores
from bot.risk import RiskScreen
from bot.risk.evaluate import all_sets, evaluate, floors, never_tuned
from bot.settings import get_settings
from bot.stack import RASA_BIN

HELD_BACK = Path("tests/data/nlu_heldback.yml")
MIN_HELD_BACK_MACRO_F1 = 0.92
# A new writer's set, never tuned on (tests/data/nlu_fresh.md). Its floor is what the pipeline has
# reached on it, never more; its wrong predictions are deleted once scored, so nobody reads them.
FRESH = Path("tests/data/nlu_fresh.yml")
MIN_FRESH_MACRO_F1 = 0.92
MAX_FRESH_FALLBACK_RATE = 0.03
STAGES = 5


class Stages:
    """Numbered stage lines with the time each took, so a long run never looks stuck."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.number = 0

    def rasa(self, title: str, log_name: str, *args: str) -> None:
        self.number += 1
        print(f"[{self.number}/{STAGES}] {title} ... (log: {self.logs / log_name})", flush=True)
        started = time.monotonic()
        env = {**os.environ, **get_settings().endpoint_environment()}
        with open(self.logs / log_name, "w") as log:
            process = subprocess.Popen([str(RASA_BIN / "rasa"), *args], stdout=log, stderr=subprocess.STDOUT, env=env)
            while True:
                try:
                    process.wait(timeout=30)
                    break
                except subprocess.TimeoutExpired:
                    print(f"      still running, {time.monotonic() - started:.0f} s", flush=True)
        if process.returncode:
            tail = (self.logs / log_name).read_text().splitlines()[-20:]
            raise SystemExit(f"rasa {args[0]} {args[1]} failed (exit {process.returncode}):\n" + "\n".join(tail))
        print(f"      done in {time.monotonic() - started:.0f} s", flush=True)

    def local(self, title: str) -> None:
        self.number += 1
        print(f"[{self.number}/{STAGES}] {title}", flush=True)


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def forget_errors(folder: Path) -> None:
    """Rasa's file of a never-tuned set's misclassified messages, deleted once scored."""
    (folder / "intent_errors.json").unlink(missing_ok=True)


def keep_previous(out: Path) -> dict | None:
    """Moves the last run's summary aside and returns it, for the comparison."""
    if not (out / "summary.json").exists():
        previous = out / "previous" / "summary.json"
        return json.loads(previous.read_text()) if previous.exists() else None
    fresh(out / "previous")
    for name in ("summary.json", "summary.md"):
        if (out / name).exists():
            (out / name).rename(out / "previous" / name)
    return json.loads((out / "previous" / "summary.json").read_text())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation", description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds; 0 skips it")
    parser.add_argument("--model", default="models/backup.tar.gz")
    parser.add_argument("--out", default="reports", type=Path)
    args = parser.parse_args(argv)
    if not Path(args.model).exists():
        print(f"No trained model at {args.model}: run `make train` first.")
        return 2

    args.out.mkdir(exist_ok=True)
    previous = keep_previous(args.out)
    stages = Stages(fresh(args.out / "logs"))
    summary: dict = {}

    if args.folds:
        folder = fresh(args.out / "nlu_cv")
        stages.rasa(f"NLU cross-validation, {args.folds} folds (a few minutes)", "nlu_cv.log",
                    "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml", "--cross-validation",
                    "--runs", "1", "--folds", str(args.folds), "--successes", "--out", str(folder))
        summary["nlu_cv"] = {**nlu_scores(folder), "folds": args.folds, "folder": "nlu_cv"}
    else:
        stages.local("NLU cross-validation skipped (--folds 0)")

    folder = fresh(args.out / "nlu_fresh")
    stages.rasa(f"NLU on the fresh set, never tuned on, {FRESH}", "nlu_fresh.log",
                "test", "nlu", "--model", args.model, "--nlu", str(FRESH), "--successes", "--out", str(folder))
    summary["nlu_fresh"] = {**nlu_scores(folder), "folder": "nlu_fresh"}
    forget_errors(folder)

    folder = fresh(args.out / "nlu_heldback")
    stages.rasa(f"NLU on the held-back set, {HELD_BACK}", "nlu_heldback.log",
                "test", "nlu", "--model", args.model, "--nlu", str(HELD_BACK), "--successes", "--out", str(folder))
    summary["nlu_heldback"] = {**nlu_scores(folder), "folder": "nlu_heldback"}

    folder = fresh(args.out / "stories")
    stages.rasa("Conversation tests, tests/test_stories.yml", "stories.log",
                "test", "core", "--model", args.model, "--stories", "tests/test_stories.yml", "--out", str(folder))
    summary["stories"] = story_scores(folder / "story_report.json")

    stages.local("Risk screen on every labelled set")
    screen = RiskScreen()
    recorded = floors()
    summary["risk"] = {
        path.stem: risk_scores(evaluate(path, screen), recorded.get(path.stem), never_tuned(path)) for path in all_sets()
    }

    summary["gates"] = [
        {"name": f"fresh (never-tuned) NLU macro F1 ≥ {MIN_FRESH_MACRO_F1:.2f}",
         "passed": summary["nlu_fresh"]["macro_f1"] >= MIN_FRESH_MACRO_F1},
        {"name": f"fresh in-scope messages falling to the fallback ≤ {MAX_FRESH_FALLBACK_RATE:.0%}",
         "passed": summary["nlu_fresh"]["fallback_rate"] <= MAX_FRESH_FALLBACK_RATE},
        {"name": f"held-back NLU macro F1 ≥ {MIN_HELD_BACK_MACRO_F1:.2f}",
         "passed": summary["nlu_heldback"]["macro_f1"] >= MIN_HELD_BACK_MACRO_F1},
        {"name": "no held-back message (none is about risk) judged crisis",
         "passed": not summary["nlu_heldback"]["routed"].get("risk_crisis")},
        {"name": "every conversation test passes",
         "passed": summary["stories"]["correct"] == summary["stories"]["total"] > 0},
        {"name": "risk: every labelled set at or above its floor (tests/data/risk/floors.json)",
         "passed": all(scores["passed"] for scores in summary["risk"].values())},
    ]
    summary["finished"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    (args.out / "summary.md").write_text(render(summary, previous))

    print(f"\nSummary: {args.out / 'summary.md'}")
    print(f"  fresh macro F1 {summary['nlu_fresh']['macro_f1']:.3f} "
          f"(fallback {summary['nlu_fresh']['fallback_rate']:.1%} of in-scope), ", end="")
    print(f"held-back macro F1 {summary['nlu_heldback']['macro_f1']:.3f}", end="")
    if "nlu_cv" in summary:
        print(f", cross-validation macro F1 {summary['nlu_cv']['macro_f1']:.3f}", end="")
    print(f", stories {summary['stories']['correct']}/{summary['stories']['total']}")
    for gate in summary["gates"]:
        print(f"  {'pass' if gate['passed'] else 'FAIL'}: {gate['name']}")
    return 0 if all(gate["passed"] for gate in summary["gates"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
