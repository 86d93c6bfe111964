"""The small-number rule: rounding, totals from unrounded counts, and complementary suppression
that never lets a hidden cell be worked out from the other cells of its lines and their totals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from bot.insight.disclosure import MIN_SPREAD, SMALL, TOTAL, WITHHELD, is_hidden, lines, possible, publish, shown


@pytest.mark.parametrize(("count", "text"), [
    (0, "0"), (1, SMALL), (3, SMALL), (9, SMALL), (10, "10"), (12, "10"), (13, "15"), (17, "15"),
    (18, "20"), (22, "20"), (23, "25"), (1234, "1235"),
])
def test_a_count_is_shown_as_zero_under_ten_or_to_the_nearest_five(count, text):
    assert shown(count) == text


@given(st.integers(min_value=0, max_value=10_000))
def test_what_is_shown_always_contains_the_count(count):
    low, high = possible(shown(count))
    assert low <= count <= high


def test_totals_come_from_the_unrounded_counts():
    # 12 + 12 shown as 10 + 10, but the total of 24 is 25, not 20.
    published = publish({("d1", "a"): 12, ("d1", "b"): 12}, ["d1"], ["a", "b"])
    assert published[("d1", "a")] == published[("d1", "b")] == "10"
    assert published[("d1", TOTAL)] == published[(TOTAL, TOTAL)] == "25"


def test_a_site_with_three_conversations_is_hidden_and_the_total_does_not_give_it_away():
    published = publish({("d1", "small"): 3, ("d1", "big"): 40}, ["d1"], ["small", "big"])
    assert published[("d1", "small")] == published[(TOTAL, "small")] == SMALL
    # 43 is published as 45 and 40 as 40: the small site could have had anything from 1 to 7.
    assert published[("d1", TOTAL)] == "45"


def test_two_nines_and_a_total_of_twenty_are_protected():
    # Unprotected, "<10", "<10" and 20 (18-22) would say both were 9.
    published = publish({("d1", "a"): 9, ("d1", "b"): 9}, ["d1"], ["a", "b"])
    assert published[("d1", TOTAL)] == WITHHELD
    assert published[(TOTAL, TOTAL)] == WITHHELD


def test_a_hidden_cell_with_a_visible_neighbour_and_total_is_protected():
    # 2 ("<10") and 10 ("10") make 12 ("10"): unprotected, the hidden one could only be 1 or 2.
    published = publish({("d1", "a"): 2, ("d1", "b"): 10}, ["d1"], ["a", "b"])
    assert published[("d1", "a")] == SMALL
    assert WITHHELD in (published[("d1", "b")], published[("d1", TOTAL)])


def test_zeros_stay_zeros():
    published = publish({("d1", "a"): 0, ("d1", "b"): 25}, ["d1", "d2"], ["a", "b"])
    assert published[("d1", "a")] == published[("d2", "a")] == published[("d2", TOTAL)] == "0"


tables = st.integers(1, 4).flatmap(lambda rows: st.integers(1, 3).flatmap(lambda cols: st.tuples(
    st.just(rows), st.just(cols),
    st.lists(st.one_of(st.integers(0, 12), st.integers(0, 60)), min_size=rows * cols, max_size=rows * cols),
)))


def as_counts(rows: int, cols: int, values: list[int]) -> dict:
    return {(r, c): values[r * cols + c] for r in range(rows) for c in range(cols)}


def line_ranges(published: dict, rows: int, cols: int) -> dict:
    """Each hidden cell's possible values from each of its lines alone: the total less what the
    other cells can be (written here without the module's own narrowing)."""
    ranges = {}
    for line in lines(range(rows), range(cols)):
        members = [*line.cells, line.total]
        for key in members:
            if not is_hidden(published[key]):
                continue
            low, high = possible(published[key])
            others = [possible(published[k]) for k in line.cells if k != key]
            total_low, total_high = possible(published[line.total])
            if key == line.total:
                low, high = max(low, sum(o[0] for o in others)), min(high, sum(o[1] for o in others))
            else:
                low, high = max(low, total_low - sum(o[1] for o in others)), min(high, total_high - sum(o[0] for o in others))
            previous = ranges.get(key, (low, high))
            ranges[key] = (max(previous[0], low), min(previous[1], high))
    return ranges


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_cell_can_be_worked_out_from_its_lines(table):
    rows, cols, values = table
    counts = as_counts(rows, cols, values)
    published = publish(counts, range(rows), range(cols))
    for key, text in published.items():
        low, high = possible(text)
        true = counts.get(key) if TOTAL not in key else None
        if true is not None:
            assert low <= true <= high
    for key, (low, high) in line_ranges(published, rows, cols).items():
        assert high - low + 1 >= MIN_SPREAD, (key, published)


def exact_range(published: dict, rows: int, cols: int, target) -> tuple[int, int]:
    """The least and greatest integer the whole published table allows for one cell (a MILP over
    every cell and total at once: what an attacker with a solver could work out)."""
    keys = list(published)
    index = {key: n for n, key in enumerate(keys)}
    ceiling = sum(possible(t)[0] for t in published.values()) + 10_000
    low = np.array([possible(published[k])[0] for k in keys], dtype=float)
    high = np.array([min(possible(published[k])[1], ceiling) for k in keys], dtype=float)
    matrix = []
    for line in lines(range(rows), range(cols)):
        row = np.zeros(len(keys))
        for key in line.cells:
            row[index[key]] = 1
        row[index[line.total]] = -1
        matrix.append(row)
    constraint = LinearConstraint(np.array(matrix), 0, 0)
    found = []
    for sign in (1, -1):
        objective = np.zeros(len(keys))
        objective[index[target]] = sign
        result = milp(objective, constraints=constraint, bounds=Bounds(low, high), integrality=np.ones(len(keys)))
        assert result.success
        found.append(round(result.x[index[target]]))
    return found[0], found[1]


@settings(max_examples=100, deadline=None)
@given(tables)
def test_not_even_the_whole_table_at_once_pins_a_hidden_cell_down(table):
    rows, cols, values = table
    published = publish(as_counts(rows, cols, values), range(rows), range(cols))
    for key, text in published.items():
        if is_hidden(text):
            low, high = exact_range(published, rows, cols, key)
            assert high - low + 1 >= MIN_SPREAD, (key, low, high, published)
