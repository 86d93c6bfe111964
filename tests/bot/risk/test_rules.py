import json

import pytest

from bot.risk.rules import Level, RuleError, load_rules
from bot.risk.screen import RULES_DIR


def write(tmp_path, *rows, name="crisis.jsonl"):
    (tmp_path / name).write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows))
    return tmp_path


GOOD = {"id": "crisis.x", "level": "crisis", "catches": "x", "phrase": "x"}


def test_the_shipped_rules_load_with_every_level():
    rules = load_rules(RULES_DIR)
    assert {rule.level for rule in rules} == set(Level)
    assert all(rule.catches for rule in rules)


@pytest.mark.parametrize("row, message", [
    ({**GOOD, "level": "high"}, "level must be"),
    ({k: v for k, v in GOOD.items() if k != "catches"}, "'catches'"),
    ({k: v for k, v in GOOD.items() if k != "phrase"}, "exactly one of"),
    ({**GOOD, "pattern": [{"NORM": "x"}]}, "exactly one of"),
    ({**GOOD, "colour": "red"}, "unknown keys"),
    ({**GOOD, "person": "second"}, "'person'"),
    ({**GOOD, "scope": "message"}, "'scope'"),
    ({**{k: v for k, v in GOOD.items() if k != "phrase"}, "together": [["a"]]}, "two or more"),
    ("{not json", "not valid JSON"),
])
def test_bad_rules_are_refused_with_the_line(tmp_path, row, message):
    with pytest.raises(RuleError, match=message) as error:
        load_rules(write(tmp_path, "// a comment", row))
    assert "crisis.jsonl:2" in str(error.value)


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(RuleError, match="duplicate rule id"):
        load_rules(write(tmp_path, GOOD, GOOD))


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(RuleError, match="no risk rules"):
        load_rules(tmp_path)
