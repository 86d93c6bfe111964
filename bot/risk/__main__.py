"""Try phrases on the risk screen: one message a line on stdin, one JSON object a line out.

    echo "gonna kms" | python -m bot.risk
    {"text": "gonna kms", "level": "crisis", "rules": ["crisis.kill_myself"]}
"""

import json
import sys

from bot.risk import get_screen


def main() -> None:
    screen = get_screen()
    for line in sys.stdin:
        text = line.rstrip("\n")
        if text.strip():
            print(json.dumps({"text": text, **screen.assess(text).as_dict()}), flush=True)


if __name__ == "__main__":
    main()
