"""Self-help tips, one at a time, never the same one twice in a conversation."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.content import SELF_HELP_TIPS, TIP_FOLLOW_UP, TIPS_EXHAUSTED

SLOT = "self_help_tips_given"


class ActionGiveSelfHelpTip(Action):
    def name(self) -> str:
        return "action_give_self_help_tip"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        given = int(tracker.get_slot(SLOT) or 0)
        if given >= len(SELF_HELP_TIPS):
            dispatcher.utter_message(text=TIPS_EXHAUSTED)
            return []
        dispatcher.utter_message(
            text=f"{SELF_HELP_TIPS[given]} {TIP_FOLLOW_UP}",
            buttons=[
                {"title": "Another tip", "payload": "/self_help"},
                {"title": "Someone to talk to", "payload": "/other_support"},
            ],
        )
        return [SlotSet(SLOT, given + 1)]
