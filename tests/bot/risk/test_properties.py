"""Any text at all: the screen never crashes and stays fast, up to the gateway's length limit."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.risk import Level, get_screen

MAX_CHARS = 2000  # the longest message the gateway accepts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=MAX_CHARS))
def test_never_crashes_and_is_fast(text):
    screen = get_screen()
    started = time.perf_counter()
    result = screen.assess(text)
    elapsed = time.perf_counter() - started
    assert result.level in set(Level)
    assert elapsed < 0.25, f"{elapsed * 1000:.0f} ms for {len(text)} characters"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["i", "want", "to", "die", "not", "'", "kill", "myself", "my", "mate",
                                 "said", "pills", "tonight", ",", ".", "bridge", "jump"]), max_size=400))
def test_risk_words_in_any_order_never_crash(words):
    assert get_screen().assess(" ".join(words)).level in set(Level)
