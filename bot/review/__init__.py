"""The trainers' review queue: redacted, unlinked, expiring copies of messages the assistant did not understand."""
