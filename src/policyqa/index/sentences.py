"""Sentence vectors for answer selection, three ways (``POLICYQA_SENTENCE_VECTORS``).

Answers pick sentences inside the retrieved passages, partly by their cosine to the question. A library has
about three sentences per passage, so encoding every sentence at build time triples what a build encodes
(docs/performance.md measures it). The three providers trade build time against what a sentence's vector is:

* ``build``: every sentence encoded when the index is built (``sentences.npy``): exact, the slowest build;
* ``passage``: a sentence borrows its passage's vector: nothing encoded for sentences, no question-time cost;
  inside one passage sentences are then told apart by the lexical features only;
* ``query``: the sentences of the retrieved passages are encoded at question time, in one batch, kept in an LRU:
  exact for those sentences, but a question that reaches new passages waits for their encoding.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock
from typing import Protocol

import numpy as np

MODES = ("build", "passage", "query")


def _matvec(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``m @ v`` without BLAS threads: OpenBLAS splits a 3k×384 product over both cores, and on a busy 2-core
    machine its p95 was 8 ms (one thread descheduled) vs 0.18 ms for this single-threaded loop."""
    return np.einsum("ij,j->i", m, v.astype(m.dtype, copy=False))


class SentenceVectors(Protocol):
    mode: str

    def for_indices(self, indices: Sequence[int]) -> np.ndarray:
        """(len(indices), dim) float32 rows, L2-normalized."""
        ...

    def similarities(self, qvec: np.ndarray) -> np.ndarray:
        """Cosine of every sentence to ``qvec``; -inf where a sentence has no vector (``query`` mode)."""
        ...


class BuiltSentenceVectors:
    """Every sentence encoded at build time."""

    mode = "build"

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    def for_indices(self, indices: Sequence[int]) -> np.ndarray:
        return self.vectors[np.asarray(indices, dtype=np.int64)]

    def similarities(self, qvec: np.ndarray) -> np.ndarray:
        return _matvec(self.vectors, qvec)


class PassageSentenceVectors:
    """Each sentence scored with the vector of the passage it belongs to."""

    mode = "passage"

    def __init__(self, chunk_vectors: np.ndarray, sentence_chunk: Sequence[int]) -> None:
        self.chunk_vectors = chunk_vectors
        self.sentence_chunk = np.asarray(sentence_chunk, dtype=np.int64)

    def for_indices(self, indices: Sequence[int]) -> np.ndarray:
        return self.chunk_vectors[self.sentence_chunk[np.asarray(indices, dtype=np.int64)]]

    def similarities(self, qvec: np.ndarray) -> np.ndarray:
        return _matvec(self.chunk_vectors, qvec)[self.sentence_chunk]


class QueryTimeSentenceVectors:
    """Sentences encoded when a question first needs them, in one batch per question, kept in a bounded LRU
    (thread-safe; two questions needing the same new sentence may both encode it)."""

    mode = "query"

    def __init__(self, encoder, texts: Sequence[str], dim: int, size: int = 20_000) -> None:  # type: ignore[no-untyped-def]
        if size <= 0:
            raise ValueError(f"size must be > 0, got {size}")
        self.encoder, self.texts, self.dim, self.size = encoder, list(texts), dim, size
        self._lru: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = Lock()
        self.encoded = 0

    def for_indices(self, indices: Sequence[int]) -> np.ndarray:
        out = np.zeros((len(indices), self.dim), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for row, si in enumerate(indices):
                v = self._lru.get(si)
                if v is None:
                    missing.append(row)
                else:
                    self._lru.move_to_end(si)
                    out[row] = v
        if missing:
            todo = sorted({int(indices[r]) for r in missing})
            vecs = self.encoder.encode_documents([self.texts[si] for si in todo])
            got = dict(zip(todo, vecs))
            for r in missing:
                out[r] = got[int(indices[r])]
            with self._lock:
                self.encoded += len(todo)
                for si, v in got.items():
                    self._lru[si] = v
                while len(self._lru) > self.size:
                    self._lru.popitem(last=False)
        return out

    def similarities(self, qvec: np.ndarray) -> np.ndarray:
        # only the sentences of this question's passages have vectors, and the caller scored those already
        return np.full(len(self.texts), -np.inf, dtype=np.float32)
