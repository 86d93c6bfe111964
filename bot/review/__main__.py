"""The review queue for trainers: how many messages wait, and export them as a draft NLU file.

Usage:
  python -m bot.review count
  python -m bot.review export [--out FILE]   (default reports/review_draft_<date>.yml)

Export writes every waiting message under the intent the assistant guessed, for a trainer to
correct and merge into data/nlu/, then deletes exactly what it wrote from the queue.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

from bot.review.queue import Item, ReviewQueue
from bot.settings import get_settings

# Square brackets and braces are entity markup in Rasa's NLU format.
MARKUP = re.compile(r"[\[\]{}]")

HEADER = """\
# Draft from Backup's review queue, exported {today}: {count} the assistant did not
# understand well, redacted before they were kept. Each sits under the intent the assistant
# guessed; it was unsure, so check every line:
#   - move a line to the intent it really is (or a new intent),
#   - delete lines that teach nothing, or that still show anything personal,
#   - paste what is left into the intent's block in data/nlu/, then `make train` and `make evaluate`.
# This file is not training data until you do: keep it out of data/ and delete it when merged.
"""


def messages(count: int) -> str:
    return f"{count} message" + ("" if count == 1 else "s")


def draft(items: list[Item], today: date) -> str:
    by_guess: dict[str, set[str]] = defaultdict(set)
    for item in items:
        by_guess[item.guess].add(MARKUP.sub("", item.text).strip())
    lines = [HEADER.format(today=today.isoformat(), count=messages(len(items))), 'version: "3.1"', "nlu:"]
    for guess in sorted(by_guess):
        lines += [f"- intent: {guess}", "  examples: |"]
        lines += [f"    - {text}" for text in sorted(by_guess[guess]) if text]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.review", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("count", help="how many messages are waiting")
    export = commands.add_parser("export", help="write a draft NLU file and delete what it holds")
    export.add_argument("--out", type=Path, default=Path("reports") / f"review_draft_{date.today().isoformat()}.yml")
    args = parser.parse_args(argv)

    queue = ReviewQueue.from_settings(get_settings())
    waiting = queue.items()
    if args.command == "count":
        print(f"{messages(len(waiting))} waiting for review.")
        return 0
    if not waiting:
        print("The review queue is empty: nothing exported.")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(draft(list(waiting.values()), date.today()))
    queue.delete(list(waiting))
    print(f"Exported {messages(len(waiting))} to {args.out} and deleted them from the queue.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
