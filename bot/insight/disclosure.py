"""The small-number rule every published cell goes through (after NHS Digital's practice).

- A count of 0 is shown as 0; 1 to 9 as `<10`; 10 and over rounded to the nearest 5.
- Totals are added up from the unrounded counts, then shown by the same rule.
- Complementary suppression: in every line of a table (a row or column with its total), the
  published cells must not pin a hidden cell down. What the published cells allow for each cell
  (an interval: `<10` is 1-9, 15 is 13-17, `*` is 10 or more) is narrowed through every line's
  sum until nothing changes; while some hidden cell is left with fewer than MIN_SPREAD possible
  values, the smallest shown non-zero cell of a line it is in is hidden too, shown as `*`.

Pure: no Redis, no I/O. `publish` takes a rows x columns table of counts and gives every cell,
row total, column total and grand total as its published text.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SMALL = "<10"
WITHHELD = "*"
MIN_SPREAD = 3  # a hidden cell always has at least this many possible values
UNBOUNDED = 10**12


class Total:
    """The total of a row or column (one object, so it can never clash with a real key)."""

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL: Any = Total()
Key = tuple[Hashable, Hashable]


def shown(count: int) -> str:
    """One count as published: 0, `<10`, or the nearest 5 (halves round up)."""
    if count < 0:
        raise ValueError("a count is never negative")
    if count == 0:
        return "0"
    if count < 10:
        return SMALL
    return str((count + 2) // 5 * 5)


def possible(text: str) -> tuple[int, int]:
    """What a published text says the count was, as an interval (inclusive)."""
    if text == SMALL:
        return 1, 9
    if text == WITHHELD:
        return 10, UNBOUNDED  # only cells shown as a number are ever withheld
    value = int(text)
    if value == 0:
        return 0, 0
    return max(10, value - 2), value + 2


def is_hidden(text: str) -> bool:
    return text in (SMALL, WITHHELD)


@dataclass(frozen=True)
class Line:
    cells: tuple[Key, ...]
    total: Key


def lines(rows: Sequence[Hashable], columns: Sequence[Hashable]) -> list[Line]:
    """Every row and column of the table with its totals, and the two margins with the grand total."""
    rows_t, cols_t = [*rows, TOTAL], [*columns, TOTAL]
    return ([Line(tuple((r, c) for c in columns), (r, TOTAL)) for r in rows_t]
            + [Line(tuple((r, c) for r in rows), (TOTAL, c)) for c in cols_t])


def narrowed(published: Mapping[Key, str], table_lines: Sequence[Line]) -> dict[Key, tuple[int, int]]:
    """Each cell's possible values given every published cell and every line's sum."""
    bounds = {key: possible(text) for key, text in published.items()}
    changed = True
    while changed:
        changed = False
        for line in table_lines:
            lows = sum(bounds[key][0] for key in line.cells)
            highs = sum(bounds[key][1] for key in line.cells)
            total_low, total_high = bounds[line.total]
            updates = {line.total: (max(total_low, lows), min(total_high, highs))}
            for key in line.cells:
                low, high = bounds[key]
                updates[key] = (max(low, total_low - (highs - high)), min(high, total_high - (lows - low)))
            for key, value in updates.items():
                if value != bounds[key]:
                    bounds[key] = value
                    changed = True
    return bounds


def exposed(published: Mapping[Key, str], table_lines: Sequence[Line]) -> list[Key]:
    """Hidden cells the published ones pin down to fewer than MIN_SPREAD values."""
    bounds = narrowed(published, table_lines)
    return [key for key, text in published.items()
            if is_hidden(text) and bounds[key][1] - bounds[key][0] + 1 < MIN_SPREAD]


def publish(counts: Mapping[Key, int], rows: Sequence[Hashable],
            columns: Sequence[Hashable]) -> dict[Key, str]:
    """Every cell of rows x columns (a missing count is 0), its row and column totals and the grand
    total, as published text, with complementary suppression done."""
    full = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in columns}
    for r in rows:
        full[(r, TOTAL)] = sum(full[(r, c)] for c in columns)
    for c in [*columns, TOTAL]:
        full[(TOTAL, c)] = sum(full[(r, c)] for r in rows)
    published = {key: shown(count) for key, count in full.items()}
    table_lines = lines(rows, columns)
    while True:
        weak = exposed(published, table_lines)
        if not weak:
            return published
        # A line the weak cell is in first; failing that, any line (the margins share totals).
        near = [line for line in table_lines if weak[0] in (*line.cells, line.total)]
        extra = next((key for line in [*near, *table_lines]
                      for key in [withheld_next(line, published, full)] if key is not None), None)
        if extra is None:  # everything non-zero is hidden already
            return published
        published[extra] = WITHHELD


def withheld_next(line: Line, published: Mapping[Key, str], full: Mapping[Key, int]) -> Key | None:
    """The smallest cell of the line still shown as a number (its total last), if any."""
    shown_cells = [key for key in line.cells if not is_hidden(published[key]) and full[key] > 0]
    if shown_cells:
        return min(shown_cells, key=lambda key: full[key])
    if not is_hidden(published[line.total]) and full[line.total] > 0:
        return line.total
    return None
