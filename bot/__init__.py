"""The shared core both runtimes import (settings, answers, encoder, risk screen, Redis keys, tools); it imports neither."""
