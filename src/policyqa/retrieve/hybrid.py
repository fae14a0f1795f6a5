"""Hybrid retrieval: FAISS (via LangChain's vector store) + BM25 (bm25s), fused by reciprocal rank."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from policyqa.errors import ConfigError
from policyqa.index.store import IndexBundle
from policyqa.corpus.structure import table_cells
from policyqa.retrieve.scope import restates_title
from policyqa.types import Chunk, Hit


@dataclass
class Ranked:
    """Per-channel results for one query, kept for answer composition and timings."""

    hits: list[Hit]
    dense: dict[int, float] = field(default_factory=dict)  # chunk position -> cosine
    sparse: np.ndarray | None = None  # BM25 score of every chunk
    timings_ms: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    def __init__(self, bundle: IndexBundle, *, rrf_k: int = 60, candidates: int = 30) -> None:
        if rrf_k <= 0:
            raise ConfigError(f"rrf_k must be > 0, got {rrf_k}")
        if candidates <= 0:
            raise ConfigError(f"candidates must be > 0, got {candidates}")
        self.bundle = bundle
        self.rrf_k = rrf_k
        self.candidates = min(candidates, len(bundle.chunks))
        self._pos = bundle.chunk_pos_map
        self._doc_positions: dict[tuple[str, ...], np.ndarray] = {}

    def _positions(self, doc_ids: Collection[str]) -> np.ndarray:
        key = tuple(sorted(doc_ids))
        pos = self._doc_positions.get(key)
        if pos is None:
            pos = np.array([i for i, c in enumerate(self.bundle.chunks) if c.doc_id in doc_ids], dtype=np.int64)
            if len(self._doc_positions) < 4096:
                self._doc_positions[key] = pos
        return pos

    def _dense_in(self, qvec: np.ndarray, doc_ids: Collection[str], n: int) -> dict[int, float]:
        """Exact cosine over the chunks of the scoped documents (a few hundred rows: cheaper than a filtered ANN)."""
        pos = self._positions(doc_ids)
        vecs = self.bundle.chunk_vectors
        if len(vecs) == len(self.bundle.chunks) and len(pos):
            sims = vecs[pos] @ qvec
            order = np.argsort(-sims, kind="stable")[:n]
            return {int(pos[i]): float(sims[i]) for i in order}
        # an HNSW index keeps no raw vectors: search wider and filter
        results = self.bundle.dense.similarity_search_with_score_by_vector(qvec.tolist(), k=min(len(self.bundle.chunks), n * 20))
        out = {self._pos[d.metadata["chunk_id"]]: float(s) for d, s in results if d.metadata["doc_id"] in doc_ids}
        return dict(list(out.items())[:n])

    def search(self, qvec: np.ndarray, terms: list[str], top_k: int, doc_ids: Collection[str] | None = None) -> Ranked:
        """``doc_ids``: keep retrieval inside these documents (the question's resolved scope); None = everywhere."""
        if top_k <= 0:
            raise ConfigError(f"top_k must be > 0, got {top_k}")
        n = self.candidates
        t0 = time.perf_counter()
        if doc_ids:
            dense = self._dense_in(qvec, set(doc_ids), n)
        else:
            dense_results = self.bundle.dense.similarity_search_with_score_by_vector(qvec.tolist(), k=n)
            dense = {self._pos[d.metadata["chunk_id"]]: float(s) for d, s in dense_results}
        t1 = time.perf_counter()
        sparse = self.bundle.bm25.get_scores(terms) if terms else np.zeros(len(self.bundle.chunks), dtype=np.float32)
        if doc_ids:
            mask = np.zeros(len(sparse), dtype=bool)
            mask[self._positions(set(doc_ids))] = True
            sparse = np.where(mask, sparse, 0.0).astype(np.float32)
        sparse_top = np.argsort(-sparse, kind="stable")[:n]
        sparse_top = [int(i) for i in sparse_top if sparse[i] > 0]
        t2 = time.perf_counter()
        fused: dict[int, float] = {}
        dense_rank = {p: r for r, p in enumerate(dense)}
        sparse_rank = {p: r for r, p in enumerate(sparse_top)}
        for p, r in dense_rank.items():
            fused[p] = fused.get(p, 0.0) + 1.0 / (self.rrf_k + r + 1)
        for p, r in sparse_rank.items():
            fused[p] = fused.get(p, 0.0) + 1.0 / (self.rrf_k + r + 1)
        order = sorted(fused, key=lambda p: (-fused[p], p))
        hits = [
            Hit(self.bundle.chunks[p], fused[p], dense.get(p), float(sparse[p]), dense_rank.get(p), sparse_rank.get(p))
            for p in _one_row_per_table([self.bundle.chunks[p] for p in order], order, max(top_k, 1))
        ]
        t3 = time.perf_counter()
        timings = {"dense": (t1 - t0) * 1e3, "bm25": (t2 - t1) * 1e3, "fusion": (t3 - t2) * 1e3}
        return Ranked(hits, dense, sparse, timings)


def _one_row_per_table(chunks: list[Chunk], order: list[int], k: int) -> list[int]:
    """The first ``k`` of ``order``, the rows of a table titled like its notice (a 公示's 「…拟奖励名单」) after its best
    one left out: they rank on the words that name the notice and crowd out the passages a question is about; the
    answer reads the best row's table whole anyway."""
    out: list[int] = []
    tables: set[tuple[str, str]] = set()
    for chunk, p in zip(chunks, order):
        if len(out) == k:
            break
        if chunk.section_path and table_cells(chunk.text) and restates_title(chunk.section_path[-1], chunk.doc_title):
            key = (chunk.doc_id, chunk.section)
            if key in tables:
                continue
            tables.add(key)
        out.append(p)
    return out


class PolicyRetriever(BaseRetriever):
    """LangChain ``BaseRetriever`` over the assistant, for staff wiring it into their own chains."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    assistant: object
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        hits = self.assistant.search(query, top_k=self.k)  # type: ignore[attr-defined]
        return [
            LCDocument(
                page_content=h.chunk.text,
                metadata={"doc_id": h.chunk.doc_id, "section": h.chunk.section, "start": h.chunk.start,
                          "end": h.chunk.end, "score": h.score, "units": list(h.chunk.units)},
            )
            for h in hits
        ]
