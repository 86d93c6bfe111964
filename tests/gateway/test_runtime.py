"""The public process's environment: a supported Python and current web stack, with no Rasa in reach."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys


def version(package: str) -> tuple[int, ...]:
    return tuple(int(part) for part in importlib.metadata.version(package).split(".")[:3])


def test_the_gateway_runs_a_supported_python_and_web_stack():
    assert sys.version_info >= (3, 12)
    assert version("pydantic") >= (2,)
    assert version("starlette") >= (1, 0, 1)
    assert version("redis") >= (5,)


def test_rasa_and_tensorflow_cannot_be_imported_here():
    assert importlib.util.find_spec("rasa") is None
    assert importlib.util.find_spec("rasa_sdk") is None
    assert importlib.util.find_spec("tensorflow") is None
