"""The action server (server.py, run in Rasa's environment beside it) and Backup's custom actions, one module per concern."""
