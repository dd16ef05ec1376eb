"""A tiny CTranslate2 Transformer with seeded random weights and a SentencePiece model
trained on the texts given: a test fixture, not a translator. Its output is meaningless;
it exists so that loading, worker processes, batching, placeholders and decoding of the
`ctranslate2` engine run for real where no real model can be had (translation.md §2:
no registry these machines reach ships ja↔en weights). `tokkyo translate fixture-model`
writes one for demos and benchmarks."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

#: Kept whole by the tokenizer so that the model can copy them.
SYMBOLS = ("⟦", "⟧")


def sample_lines(folder: Path) -> list[str]:
    """The text lines of the gazette XML files in `folder` (markup removed), the
    tokenizer's training text."""
    lines: list[str] = []
    for path in sorted(folder.glob("*.xml")):
        text = re.sub(r"<[^>]+>", " ", path.read_text("utf-8"))
        lines += [s.strip() for s in text.splitlines() if len(s.strip()) > 5]
    return lines


def train_sentencepiece(texts: Iterable[str], vocab_size: int = 1000) -> bytes:
    """A SentencePiece unigram model of the texts, as the bytes of its file."""
    import sentencepiece

    out = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter([t for t in texts if t.strip()]), model_writer=out,
        vocab_size=vocab_size, character_coverage=0.99, hard_vocab_limit=False,
        model_type="unigram",
        user_defined_symbols=list(SYMBOLS), bos_id=1, eos_id=2, unk_id=0, pad_id=-1,
        minloglevel=2)
    return out.getvalue()


def build(folder: Path, texts: Iterable[str], *, seed: int = 17, d_model: int = 32,
          ffn: int = 64, heads: int = 2, vocab_size: int = 1000) -> Path:
    """Write the model (`model.bin`, `config.json`, vocabularies) and `source.spm` /
    `target.spm` into `folder`; returns it."""
    import sentencepiece
    from ctranslate2.specs import transformer_spec

    folder.mkdir(parents=True, exist_ok=True)
    spm = train_sentencepiece(texts, vocab_size)
    processor = sentencepiece.SentencePieceProcessor(model_proto=spm)
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    spec = transformer_spec.TransformerSpec.from_config((1, 1), heads)
    rng = np.random.default_rng(seed)
    sizes = {"embeddings": (len(vocab), d_model), "projection": (len(vocab), d_model)}

    for name, value in spec.variables(ordered=True):
        if value is not None:           # settings the spec filled itself
            continue
        parts = name.split("/")
        shape = _shape(parts, d_model, ffn, sizes)
        if shape is not None:
            arr = rng.normal(0, 0.2, shape).astype(np.float32)
        elif parts[-1] == "gamma":      # layer norms: the identity
            arr = np.ones(d_model, dtype=np.float32)
        else:
            arr = np.zeros(d_model, dtype=np.float32)
        _set(spec, parts, arr)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.save(str(folder))
    (folder / "source.spm").write_bytes(spm)
    (folder / "target.spm").write_bytes(spm)
    return folder


def _shape(parts: list[str], d: int, ffn: int, sizes: dict[str, tuple[int, int]]
           ) -> tuple[int, ...] | None:
    leaf, owner = parts[-1], parts[-2]
    if leaf != "weight":
        return None
    if owner.startswith("embeddings"):
        return sizes["embeddings"]
    if owner == "projection":
        return sizes["projection"]
    block = parts[-3]
    if block == "ffn":
        return (ffn, d) if owner == "linear_0" else (d, ffn)
    if block == "self_attention":
        return (3 * d, d) if owner == "linear_0" else (d, d)
    if block == "attention":            # cross-attention: query, key+value, output
        return (2 * d, d) if owner == "linear_1" else (d, d)
    raise KeyError("/".join(parts))


def _set(spec: object, parts: list[str], value: np.ndarray) -> None:
    """Set the variable at a path of `spec.variables()`: `layer_0` is `layer[0]`,
    `linear_1` is `linear[1]`."""
    node = spec
    for part in parts[:-1]:
        base, _, index = part.rpartition("_")
        if index.isdigit() and isinstance(getattr(node, base, None), list):
            node = getattr(node, base)[int(index)]
        else:
            node = getattr(node, part)
    setattr(node, parts[-1], value)
