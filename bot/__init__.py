"""Backup: the assistant's own package (settings, content, risk screen, NLU components)."""
