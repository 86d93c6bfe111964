"""Backup's custom Rasa actions, one module per concern, run by actions.server."""
