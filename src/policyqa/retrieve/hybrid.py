"""Hybrid retrieval: FAISS (via LangChain's vector store) + BM25 (bm25s), fused by reciprocal rank."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from policyqa.errors import ConfigError
from policyqa.index.store import IndexBundle
from policyqa.types import Hit


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

    def search(self, qvec: np.ndarray, terms: list[str], top_k: int) -> Ranked:
        if top_k <= 0:
            raise ConfigError(f"top_k must be > 0, got {top_k}")
        n = self.candidates
        t0 = time.perf_counter()
        dense_results = self.bundle.dense.similarity_search_with_score_by_vector(qvec.tolist(), k=n)
        dense = {self._pos[d.metadata["chunk_id"]]: float(s) for d, s in dense_results}
        t1 = time.perf_counter()
        sparse = self.bundle.bm25.get_scores(terms) if terms else np.zeros(len(self.bundle.chunks), dtype=np.float32)
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
            for p in order[: max(top_k, 1)]
        ]
        t3 = time.perf_counter()
        timings = {"dense": (t1 - t0) * 1e3, "bm25": (t2 - t1) * 1e3, "fusion": (t3 - t2) * 1e3}
        return Ranked(hits, dense, sparse, timings)


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
