"""FastAPI applications: the action server Rasa calls and, later, the public gateway."""
