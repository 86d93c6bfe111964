"""Backup's custom Rasa NLU components."""
