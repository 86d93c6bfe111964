from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from bot import rasa_speedups


def test_resolving_event_types_is_cached_and_still_right():
    rasa_speedups.apply()
    rasa_speedups.apply()  # idempotent
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("no-such-event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type.cache_info().currsize >= 3
    events = [Event.from_parameters({"event": "slot", "name": "x", "value": 1})]
    assert events == [SlotSet("x", 1)]
