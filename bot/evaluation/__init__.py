"""How well the assistant understands: cross-validation, held-back set, conversations, risk screen."""
