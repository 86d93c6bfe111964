"""Service owners' insight (issue 18): counts only, per UTC day and site, never who, when or what.

`measures` is the closed vocabulary, `counter` writes it to Redis fire-and-forget (both runtimes:
the gateway and Rasa's channel), `disclosure` is the small-number rule every published cell goes
through, `report` reads the counts back into the tables that /insights and /insights.csv show.
"""
