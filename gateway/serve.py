"""The gateway as uvicorn runs it: `uvicorn gateway.serve:app`.

The gateway never needs TensorFlow, but spaCy's thinc imports it when it is installed (Rasa
installs it). Refusing the import here keeps ~300 MB out of the gateway's memory. Tests import
gateway.app directly, in a process that also runs Rasa code, so this lives apart from it.
"""

import sys

sys.modules.setdefault("tensorflow", None)  # makes `import tensorflow` raise ImportError

from gateway.app import app  # noqa: E402

__all__ = ["app"]
