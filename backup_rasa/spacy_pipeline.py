"""Builds the project's own spaCy pipeline: blank English tokens plus lookup lemmas.

Nothing is downloaded at run time: the lemma tables come from the `spacy-lookups-data`
package and are saved into the pipeline folder, which config.yml points Rasa's SpacyNLP at.
Usage: python -m backup_rasa.spacy_pipeline [folder]
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language

DEFAULT_PATH = Path("build/spacy_en")


def build() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "backup_en"
    return nlp


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else DEFAULT_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    build().to_disk(target)
    print(f"spaCy pipeline written to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
