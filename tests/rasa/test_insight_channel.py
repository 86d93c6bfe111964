"""What Rasa's channel counts for insight from the events of the message it just handled."""

from __future__ import annotations

from backup_rasa.channel import FALLBACK, insight_site, turn_measures
from bot.insight.measures import REPLY_FALLBACK, TOPIC


def user(intent: str) -> dict:
    return {"event": "user", "text": "whatever they typed", "parse_data": {"intent": {"name": intent}}}


def action(name: str) -> dict:
    return {"event": "action", "name": name}


def test_the_topic_of_a_catalogue_intent_is_counted():
    events = [user("greet"), action("utter_greet"), user("money_worries"), action("utter_money_worries")]
    assert turn_measures(events, failed=False) == (TOPIC + "money_worries",)


def test_a_fallback_reply_to_the_latest_message_is_counted_and_an_earlier_one_is_not():
    assert turn_measures([user("nlu_fallback"), action(FALLBACK)], failed=False) == (REPLY_FALLBACK,)
    assert turn_measures([user("nlu_fallback"), action(FALLBACK), user("greet")], failed=False) == (TOPIC + "greet",)
    assert turn_measures([user("greet"), action("action_default_fallback")], failed=False) == (
        TOPIC + "greet", REPLY_FALLBACK)


def test_risk_intents_are_no_topic_and_a_failed_message_counts_as_a_fallback():
    assert turn_measures([user("risk_crisis"), action("utter_handoff")], failed=False) == ()
    assert turn_measures([], failed=True) == (REPLY_FALLBACK,)


def test_only_a_site_id_from_the_metadata_is_used():
    assert insight_site({"site": "test-host"}) == "test-host"
    for metadata in (None, {}, {"site": 3}, {"site": "Not A Site!"}, {"site": "a" * 60}, "test-host"):
        assert insight_site(metadata) is None
