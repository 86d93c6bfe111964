"""Content the custom actions say, kept apart from the code that says it."""

CRISIS_NUMBER = "0300 131 2789"

# Short, practical, nothing clinical. Given one at a time, in order, per conversation.
SELF_HELP_TIPS: tuple[str, ...] = (
    "Try box breathing: in for four, hold for four, out for four, hold for four. "
    "A few rounds can take the edge off after a tough job.",
    "Before you head home, take two minutes in the car to decompress: radio off, "
    "notice five things you can see and three you can hear.",
    "Talk to someone you trust, in or out of the job. Saying it out loud often makes it lighter.",
    "Look after the basics where you can: a proper meal, water, daylight on rest days and "
    "a short walk. They matter more than they sound.",
    "Write down what's going round your head before you try to sleep, then put it aside "
    "for the morning.",
    "Go easy on alcohol and caffeine after shifts; both make sleep and mood worse.",
)

TIPS_EXHAUSTED = (
    "That's all the tips I have. Talking to someone can help more than any tip: "
    "Samaritans are free 24/7 on 116 123, and the police crisis line is "
    f"{CRISIS_NUMBER}."
)

TIP_FOLLOW_UP = "Would you like another?"
