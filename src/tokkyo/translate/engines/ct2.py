"""`ctranslate2`: a Transformer translation model supplied by the operator as a directory
(OPUS-MT/Marian, NLLB or M2M100 converted with CTranslate2's converters), with its
SentencePiece models, run in worker processes on CPU or GPU.

Options: `model` (the directory), `source_spm` / `target_spm` (default `source.spm` and
`target.spm` in it, else one `sentencepiece.model` or `sentencepiece.bpe.model` for both),
`workers` (processes, 1), `device` (cpu, cuda), `threads` (per worker), `beam_size` (2),
`max_decoding_length` (256), `max_batch` (32), `timeout` (seconds per batch, 120),
`target_prefix` (a table language → token, for NLLB/M2M100: `{en = "eng_Latn"}`).
The version is a hash of the model and SentencePiece files: a new model is a new version.

A batch past its timeout would go on decoding in its worker, and every later batch would
wait behind it; a worker that died (killed, out of memory) leaves its pool broken for
good. In both cases the workers are stopped and new ones started (they load the model
again) before the transient error is raised, so the retry finds working workers; a batch
of another caller caught in the old workers fails as transient too.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import multiprocessing
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tokkyo.translate.engine import Pair
from tokkyo.translate.errors import TerminalTranslationError, TransientTranslationError
from tokkyo.translate.kinds import ContentKind, Translation

_worker: dict[str, Any] = {}        # the model of this worker process


def _load(model: str, source_spm: str, target_spm: str, device: str, threads: int) -> None:
    import ctranslate2
    import sentencepiece

    _worker["translator"] = ctranslate2.Translator(model, device=device,
                                                   inter_threads=1, intra_threads=threads)
    _worker["source"] = sentencepiece.SentencePieceProcessor(model_file=source_spm)
    _worker["target"] = sentencepiece.SentencePieceProcessor(model_file=target_spm)


def _translate(segments: list[str], prefix: str, beam_size: int, max_length: int
               ) -> list[str]:
    source, target = _worker["source"], _worker["target"]
    tokens = [source.encode(s, out_type=str) for s in segments]
    results = _worker["translator"].translate_batch(
        tokens, beam_size=beam_size, max_decoding_length=max_length,
        target_prefix=[[prefix]] * len(tokens) if prefix else None)
    out = []
    for r in results:
        pieces = [p for p in r.hypotheses[0] if p != prefix]
        out.append(target.decode_pieces(pieces))
    return out


def _spm(model: Path, given: object, names: tuple[str, ...]) -> Path:
    if given:
        return Path(str(given)).expanduser()
    for name in names:
        if (model / name).exists():
            return model / name
    raise ValueError(f"no SentencePiece model in {model} (looked for {', '.join(names)})")


class CTranslate2Engine:
    name = "ctranslate2"

    def __init__(self, model: Path, pairs: set[Pair], *, source_spm: Path, target_spm: Path,
                 workers: int = 1, device: str = "cpu", threads: int = 1, beam_size: int = 2,
                 max_decoding_length: int = 256, max_batch: int = 32,
                 timeout: float = 120.0, target_prefix: Mapping[str, str] | None = None
                 ) -> None:
        if not (model / "model.bin").exists():
            raise ValueError(f"{model} is not a CTranslate2 model directory (no model.bin)")
        self._pairs = set(pairs)
        self.max_batch, self.timeout = max_batch, timeout
        self.beam_size, self.max_length = beam_size, max_decoding_length
        self.prefix = dict(target_prefix or {})
        digest = hashlib.sha256()
        for file in (model / "model.bin", source_spm, target_spm):
            digest.update(file.read_bytes())
        self.version = digest.hexdigest()[:12]
        self._workers = workers
        self._load_args = (str(model), str(source_spm), str(target_spm), device, threads)
        self._swap = threading.Lock()
        self.pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_load, initargs=self._load_args)

    def _restart(self, stuck: cf.ProcessPoolExecutor) -> None:
        """Stop the workers of `stuck` (one of them still decodes a batch past its time)
        and put a new pool in its place, unless another caller already has."""
        with self._swap:
            if self.pool is not stuck:
                return
            self.pool = self._new_pool()
        terminate_workers = getattr(stuck, "terminate_workers", None)   # Python >= 3.14
        if terminate_workers is not None:
            terminate_workers()
            return
        # before 3.14 ProcessPoolExecutor has no public way to stop a busy worker; its
        # worker table is read for that
        workers = dict(getattr(stuck, "_processes", None) or {})
        for process in workers.values():
            process.terminate()
        stuck.shutdown(wait=False, cancel_futures=True)
        for process in workers.values():
            process.join(timeout=5)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], pairs: set[Pair]) -> CTranslate2Engine:
        if "model" not in spec:
            raise ValueError("'model' (the model directory) is required")
        model = Path(str(spec["model"])).expanduser()
        return cls(model, pairs,
                   source_spm=_spm(model, spec.get("source_spm"), (
                       "source.spm", "sentencepiece.model", "sentencepiece.bpe.model")),
                   target_spm=_spm(model, spec.get("target_spm"), (
                       "target.spm", "sentencepiece.model", "sentencepiece.bpe.model")),
                   workers=int(spec.get("workers", 1)), device=str(spec.get("device", "cpu")),
                   threads=int(spec.get("threads", 1)),
                   beam_size=int(spec.get("beam_size", 2)),
                   max_decoding_length=int(spec.get("max_decoding_length", 256)),
                   max_batch=int(spec.get("max_batch", 32)),
                   timeout=float(spec.get("timeout", 120)),
                   target_prefix=dict(spec.get("target_prefix", {})))

    def pairs(self) -> set[Pair]:
        return set(self._pairs)

    def translate(self, segments: Sequence[str], *, source: str, target: str,
                  kind: ContentKind) -> list[Translation]:
        pool = self.pool
        try:
            future = pool.submit(_translate, list(segments), self.prefix.get(target, ""),
                                 self.beam_size, self.max_length)
            texts = future.result(timeout=self.timeout)
        except cf.TimeoutError:
            self._restart(pool)
            raise TransientTranslationError(
                f"ctranslate2: no result within {self.timeout:g} s") from None
        except cf.process.BrokenProcessPool:
            self._restart(pool)
            raise TransientTranslationError("ctranslate2: a worker process died") from None
        except (RuntimeError, ValueError, OSError) as exc:
            if pool is not self.pool:       # shut down by a restart after it was read
                raise TransientTranslationError(
                    "ctranslate2: its workers were restarted") from None
            raise TerminalTranslationError(f"ctranslate2: {exc}") from None
        return [Translation(t, self.name, self.version) for t in texts]

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
