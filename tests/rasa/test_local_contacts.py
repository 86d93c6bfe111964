"""action_show_local_contacts: the site's own contacts for the topic just answered, never another
site's, nothing for a site without any, and nothing from what the person typed."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.local_contacts import TOPIC_OF_ANSWER, ActionShowLocalContacts, registry, topic_of
from bot.sites import TOPICS

SITES = ("intranet-demo", "federation-demo")


def tracker(site: str | None, answer: str, text: str = "my mate Dave at 07700 900999 is struggling") -> Tracker:
    return Tracker(
        sender_id="test", slots={}, latest_message={"text": text, "intent": {"name": "x"}, "metadata": {"site": site}},
        events=[{"event": "user", "text": text}, {"event": "action", "name": answer},
                {"event": "bot", "text": "national answer"}, {"event": "action", "name": "action_show_local_contacts"}],
        paused=False, followup_action=None, active_loop={}, latest_action_name=answer,
    )


async def run(dispatcher, site, answer, **kwargs):
    events = await ActionShowLocalContacts().run(dispatcher, tracker(site, answer, **kwargs), {})
    assert events == []
    return [m["custom"] for m in dispatcher.messages]


def test_every_answer_maps_to_a_known_topic():
    assert set(TOPIC_OF_ANSWER.values()) == set(TOPICS)


@pytest.mark.parametrize("answer", sorted(TOPIC_OF_ANSWER))
@pytest.mark.parametrize("site", SITES)
async def test_each_site_gets_only_its_own_contacts_for_the_topic(dispatcher, site, answer):
    own = registry().get(site)
    other = registry().get(next(s for s in SITES if s != site))
    topic = TOPIC_OF_ANSWER[answer]
    messages = await run(dispatcher, site, answer)
    expected = [c.card() for c in own.contacts_for(topic)]
    if not expected:
        assert messages == []
        return
    assert messages == [{"type": "contacts", "topic": topic, "heading": f"Local support from {own.name}",
                         "contacts": expected}]
    names = {c["name"] for c in messages[0]["contacts"]}
    assert not names & {c.name for c in other.contacts}


async def test_the_demo_sites_differ_on_money(dispatcher):
    intranet = await run(dispatcher, "intranet-demo", "utter_money_worries")
    assert [c["name"] for c in intranet[0]["contacts"]] == ["Employee assistance programme (demo)"]
    federation = await run(type(dispatcher)(), "federation-demo", "utter_money_worries")
    assert [c["name"] for c in federation[0]["contacts"]] == ["Federation group insurance helpline (demo)",
                                                              "Branch benevolent fund (demo)"]


@pytest.mark.parametrize("site", [None, "", "no-such-site", "../sites"])
async def test_no_known_site_adds_nothing(dispatcher, site):
    assert await run(dispatcher, site, "utter_money_worries") == []


async def test_an_answer_without_a_topic_adds_nothing(dispatcher):
    assert await run(dispatcher, "intranet-demo", "utter_greet") == []


async def test_nothing_from_the_message_reaches_a_card(dispatcher):
    text = "Dave 07700 900999 https://evil.example.org"
    messages = await run(dispatcher, "federation-demo", "utter_other_support", text=text)
    flat = str(messages)
    assert "Dave" not in flat and "900999" not in flat and "evil" not in flat


def test_topic_is_only_the_answer_since_the_last_message():
    stale = Tracker("t", {}, {}, [{"event": "action", "name": "utter_money_worries"}, {"event": "user", "text": "hi"},
                                  {"event": "action", "name": "utter_greet"}], False, None, {}, "utter_greet")
    assert topic_of(stale) is None
