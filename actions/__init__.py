"""Backup's custom Rasa actions, one module per concern, run by api.action_server."""
