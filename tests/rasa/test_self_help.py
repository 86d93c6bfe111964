import pytest
from rasa_sdk.events import SlotSet

from actions.self_help import SLOT, ActionGiveSelfHelpTip
from bot.content import SELF_HELP_TIPS, TIPS_EXHAUSTED
from bot.crisis_line import NUMBER


def test_name_is_the_snake_case_twin():
    assert ActionGiveSelfHelpTip().name() == "action_give_self_help_tip"


async def test_first_tip_and_counter(dispatcher, tracker_factory):
    events = await ActionGiveSelfHelpTip().run(dispatcher, tracker_factory({SLOT: 0}), {})
    assert dispatcher.messages[0]["text"].startswith(SELF_HELP_TIPS[0])
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/self_help", "/other_support"]
    assert events == [SlotSet(SLOT, 1)]


async def test_tips_never_repeat_in_a_conversation(dispatcher, tracker_factory):
    given = 0
    seen = []
    for _ in SELF_HELP_TIPS:
        events = await ActionGiveSelfHelpTip().run(dispatcher, tracker_factory({SLOT: given}), {})
        given = events[0]["value"]
        seen.append(dispatcher.messages[-1]["text"])
    assert len(set(seen)) == len(SELF_HELP_TIPS)


@pytest.mark.parametrize("given", [len(SELF_HELP_TIPS), len(SELF_HELP_TIPS) + 3])
async def test_after_the_last_tip_points_to_people(dispatcher, tracker_factory, given):
    events = await ActionGiveSelfHelpTip().run(dispatcher, tracker_factory({SLOT: given}), {})
    assert events == []
    assert dispatcher.messages[0]["text"] == TIPS_EXHAUSTED
    assert NUMBER in TIPS_EXHAUSTED


async def test_missing_slot_counts_as_none_given(dispatcher, tracker_factory):
    events = await ActionGiveSelfHelpTip().run(dispatcher, tracker_factory({}), {})
    assert events == [SlotSet(SLOT, 1)]
