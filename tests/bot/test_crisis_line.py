"""The crisis line's derivations, and a check that every copy of it in the repository agrees.

domain.yml keeps the number as words rather than a slot Rasa fills: the handoff must read right
with the action server down, an unfilled slot would show a person in crisis "{crisis_number}",
and the trained model carries the domain anyway. So Rasa's data and the docs (WRITTEN_OUT) may
write it out, but only as crisis_line.NUMBER or crisis_line.TEL, and every other UK phone number
there fails: change the definition and each old copy fails; change one copy and it fails. Code
(Python, the static files, sites.yml) may not write it at all: it imports it or is filled from it.
"""

import re
import subprocess
from pathlib import Path

import pytest

from bot.crisis_line import DIGITS, NUMBER, TEL, is_crisis_line

ROOT = Path(__file__).resolve().parents[2]
# The definition, and this file, which pins it: a new number is a change to both, on purpose.
EXEMPT = {"bot/crisis_line.py", "tests/bot/test_crisis_line.py"}
WRITTEN_OUT = (".md", ".yml", ".yaml")
NOT_WRITTEN_OUT = {"sites.yml"}  # local contacts, which may never be the crisis line
SEPARATOR = r"[ \t\u00a0.-]?"
PHONE = re.compile(
    rf"(?:tel:)?(?<![\w+])(?:(?:\+|00){SEPARATOR}44{SEPARATOR}(?:\(0\){SEPARATOR})?\d{{2,4}}|\(0\d{{2,4}}\)|0\d{{2,4}})"
    rf"{SEPARATOR}\d{{3,4}}{SEPARATOR}\d{{3,4}}(?!\d)"
)
ABROAD = "+44 " + NUMBER[1:]
SPELLINGS = (NUMBER, DIGITS, TEL, ABROAD, ABROAD.replace(" ", ""), "+44 (0)" + NUMBER[1:], "0044 " + NUMBER[1:],
             NUMBER.replace(" ", "-"), NUMBER.replace(" ", "."), "tel:" + DIGITS)
# The same length with one digit changed: a typing slip, or the line's old number.
SLIPS = (NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10), "0" + str((int(DIGITS[1]) + 1) % 10) + NUMBER[2:])


def nearly(phone: str) -> bool:
    digits = re.sub(r"\D", "", phone)
    return len(digits) == len(DIGITS) and sum(a != b for a, b in zip(digits, DIGITS)) <= 2


def problems(path: str, text: str) -> list[str]:
    """What is wrong with the crisis line as `path` writes it, one line each."""
    written_out = path.endswith(WRITTEN_OUT) and Path(path).name not in NOT_WRITTEN_OUT
    found = []
    for match in PHONE.finditer(text):
        phone, line = match.group(), text.count("\n", 0, match.start()) + 1
        if written_out and phone not in (NUMBER, TEL):
            found.append(f"{path}:{line}: {phone!r} is not the crisis line as bot/crisis_line.py writes it "
                         f"({NUMBER!r}, {TEL!r}); another service's number has no place here")
        elif not written_out and (is_crisis_line(phone) or nearly(phone)):
            found.append(f"{path}:{line}: {phone!r} written by hand: import bot.crisis_line, or in a static "
                         "file use __CRISIS_NUMBER__ / __CRISIS_TEL__")
    return found


def repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.splitlines()
    return [path for path in listed if path not in EXEMPT and (ROOT / path).is_file()]


def test_the_forms_derive_from_the_display_number():
    assert NUMBER == "0300 131 2789"  # the line's published number, as people read it
    assert DIGITS == "03001312789" and TEL == "tel:+443001312789"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_uk_spelling_is_the_crisis_line_and_is_found_in_text(spelling):
    assert is_crisis_line(spelling)
    assert [m.group() for m in PHONE.finditer(f"ring {spelling}, any time")] == [spelling]


@pytest.mark.parametrize("other", (*SLIPS, "999", "116 123", "", "0800 " + NUMBER[5:], DIGITS + "0"))
def test_other_numbers_are_not(other):
    assert not is_crisis_line(other)


def test_every_copy_in_the_repository_agrees_with_the_definition():
    found = [problem for path in repository_files()
             for problem in problems(path, (ROOT / path).read_bytes().decode("utf-8", errors="replace"))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path, text", [
    ("domain.yml", f"the crisis line is {SLIPS[0]}."),
    ("domain.yml", f"the crisis line is {SLIPS[1]}."),
    ("domain.yml", f"the crisis line is {ABROAD}."),
    ("data/nlu.yml", f"- is it {DIGITS}"),
    ("README.md", f"`tel:{DIGITS}`"),
    ("gateway/static/widget.js", f'var CRISIS = {{ number: "{NUMBER}" }};'),
    ("gateway/static/demo.html", f'<a href="{TEL}">'),
    ("gateway/static/widget.js", f'var CRISIS = {{ number: "{SLIPS[0]}" }};'),
    ("sites.yml", f"phone: {ABROAD}"),
    ("tests/gateway/test_replies.py", f'assert "{NUMBER}" in text'),
])
def test_the_check_fails_when_one_place_is_edited(path, text):
    assert problems(path, text)


def test_the_check_leaves_the_definitions_own_spellings_and_other_numbers_in_code_alone():
    assert not problems("domain.yml", f'on {NUMBER}.\n  tel: "{TEL}"\n  Samaritans on 116 123, or 999')
    assert not problems("tests/bot/review/test_redact.py", '"07700 900123", "020 7946 0000"')
