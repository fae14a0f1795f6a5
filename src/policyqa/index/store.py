"""Build and load the index folder: chunks, dense FAISS store, BM25, sentence vectors and a manifest.

Writing goes to a temp folder that is renamed into place; loading verifies the manifest and checksums.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import bm25s
import faiss
import numpy as np
from langchain_community.docstore.in_memory import InMemoryDocstore
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.documents import Document as LCDocument
from tqdm.auto import tqdm

from policyqa.corpus.chunk import ClauseChunker, sentence_spans
from policyqa.corpus.load import corpus_hash, read_sources
from policyqa.corpus.structure import parse_source
from policyqa.corpus.validity import with_validity
from policyqa.errors import IndexError_
from policyqa.index.embedders import DocumentEmbeddingCache, _NumpyEmbeddings
from policyqa.index.manifest import Manifest, code_fingerprint, file_sha256
from policyqa.index.sentences import (BuiltSentenceVectors, PassageSentenceVectors, QueryTimeSentenceVectors,
                                      SentenceVectors)
from policyqa.settings import Settings
from policyqa.text.aliases import AliasTable
from policyqa.text.tokenize import Tokenizer, corpus_user_words
from policyqa.types import Chunk, Document

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s logs at DEBUG on every index() call

VERSIONS = "versions"  # immutable index versions under settings.index_dir, one folder each
CURRENT = "CURRENT"  # names the live version; replaced atomically (os.replace) after a version is complete
LEGACY_STORE = "store"  # the single live folder of earlier releases, still loaded when there is no CURRENT
KEEP_VERSIONS = 3  # the live version and the two before it; older ones are deleted after a switch
HNSW_MIN_VECTORS = 20_000  # below this a flat index is exact and fast enough (docs/performance.md: ~20k vectors ≈ 4 ms)


@dataclass(frozen=True, slots=True)
class SentenceRef:
    chunk: int  # index into chunks
    start: int  # document offsets
    end: int


@dataclass
class IndexBundle:
    """Everything retrieval and answering read; loaded once."""

    folder: Path
    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: list[SentenceRef]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    dense: FAISS
    bm25: bm25s.BM25
    tokenizer: Tokenizer
    aliases: AliasTable
    chunk_pos_map: dict[str, int] = field(default_factory=dict)
    sentence_provider: SentenceVectors | None = None  # POLICYQA_SENTENCE_VECTORS; None: ``sentence_vectors``

    def __post_init__(self) -> None:
        self.chunk_pos_map = {c.id: i for i, c in enumerate(self.chunks)}
        if self.sentence_provider is None:
            self.sentence_provider = BuiltSentenceVectors(self.sentence_vectors)

    def sentence_vectors_for(self, indices: list[int]) -> np.ndarray:
        """Vectors of these sentences (rows of ``sentences``), however the settings provide them."""
        return self.sentence_provider.for_indices(indices)  # type: ignore[union-attr]

    def sentence_similarities(self, qvec: np.ndarray) -> np.ndarray:
        """Cosine of every sentence to the question vector (-inf where a sentence has none)."""
        return self.sentence_provider.similarities(qvec)  # type: ignore[union-attr]


def current_version(index_dir: Path) -> str:
    """The version the CURRENT pointer names ("" when there is none yet)."""
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def store_dir(settings: Settings, version: str | None = None) -> Path:
    """The folder of ``version`` (default: the live one)."""
    name = current_version(settings.index_dir) if version is None else version
    if not name:
        return settings.index_dir / LEGACY_STORE
    if "/" in name or name.startswith("."):
        raise IndexError_(f"bad index pointer {settings.index_dir / CURRENT}: {name!r}")
    return settings.index_dir / VERSIONS / name


def _point_to(index_dir: Path, version: str) -> None:
    """Switch CURRENT to ``version`` in one step: readers see the old name or the new one, never a mix."""
    tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    with tmp.open("w", encoding="utf-8") as f:
        f.write(version + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)


def _prune_versions(index_dir: Path, keep: str) -> None:
    folder = index_dir / VERSIONS
    names = sorted((p.name for p in folder.iterdir() if p.is_dir()), reverse=True) if folder.is_dir() else []
    for name in [n for n in names if n != keep][KEEP_VERSIONS - 1 :]:
        shutil.rmtree(folder / name, ignore_errors=True)
    shutil.rmtree(index_dir / LEGACY_STORE, ignore_errors=True)


def _chunker(settings: Settings) -> ClauseChunker:
    return ClauseChunker(settings.chunk_max_chars)


def _sentence_text(chunk: Chunk, text: str) -> str:
    label = chunk.section_path[-1] if chunk.section_path else ""
    return f"{label}：{text}" if label else text


def _bm25(docs: list[list[str]]) -> bm25s.BM25:
    """BM25 over ``docs`` with the vocabulary in sorted order. Given tokens, bm25s numbers them by iterating a
    ``set``, whose order changes with each process's string hashing: two builds of one library then summed a
    question's term scores in different orders and near-ties between passages fell either way."""
    vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
    bm25 = bm25s.BM25()
    bm25.index(([[vocab[t] for t in d] for d in docs], vocab), show_progress=False)
    return bm25


def _dense_index(vectors: np.ndarray) -> tuple[faiss.Index, str]:
    dim = vectors.shape[1]
    if len(vectors) >= HNSW_MIN_VECTORS:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 64
        kind = "hnsw"
    else:
        index = faiss.IndexFlatIP(dim)
        kind = "flat"
    if len(vectors):
        index.add(vectors)
    return index, kind


def _langchain_store(index: faiss.Index, chunks: list[Chunk], embedder: _NumpyEmbeddings | None) -> FAISS:
    """LangChain's FAISS vector store over our own index and chunk records (no pickle on disk)."""
    docs = {
        c.id: LCDocument(page_content=c.text, id=c.id, metadata={"chunk_id": c.id, "doc_id": c.doc_id, "section": c.section, "start": c.start, "end": c.end})
        for c in chunks
    }
    return FAISS(
        embedding_function=embedder,  # type: ignore[arg-type]
        index=index,
        docstore=InMemoryDocstore(docs),
        index_to_docstore_id={i: c.id for i, c in enumerate(chunks)},
        distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
    )


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def parse_corpus(settings: Settings) -> tuple[list[Document], str]:
    sources = read_sources(settings.corpus_dir)
    docs = [parse_source(s) for s in sources]
    docs = [replace(d, meta=replace(d.meta, format=s.format)) for d, s in zip(docs, sources)]
    return with_validity(docs), corpus_hash(sources)


def domain_words(docs: list[Document], chunks: list[Chunk]) -> list[str]:
    """The jieba user dictionary of a library: its departments and their aliases, heading and quoted terms."""
    aliases = AliasTable(u for c in chunks for u in c.units)
    return corpus_user_words((s.title for d in docs for s in d.sections), aliases.all_names(),
                             "\n".join(d.text for d in docs), [])


def expected_key(settings: Settings, embedder_name: str, chash: str) -> dict[str, object]:
    return {"format": 1, "embedder": embedder_name, "chunker": _chunker(settings).params, "corpus_hash": chash,
            "code": code_fingerprint()}


def build_index(settings: Settings, embedder: _NumpyEmbeddings, *, progress: bool = True) -> Manifest:
    """Build into a temp folder and rename it into place. Returns the new manifest."""
    t0 = time.perf_counter()
    code_fingerprint()  # of the code that parses (taken before, not after, a build that may take minutes)
    with _build_lock(settings.index_dir):
        docs, chash = parse_corpus(settings)
        chunks = _chunker(settings).chunk(docs)
        user_words = domain_words(docs, chunks)
        tokenizer = Tokenizer(user_words, settings.token_cache_dir, lazy=True)
        sentences = [
            SentenceRef(i, s, e) for i, c in enumerate(chunks) for s, e in sentence_spans(c.text, c.start)
        ]
        doc_text = {d.doc_id: d.text for d in docs}
        chunk_texts = [c.index_text for c in chunks]
        sent_texts = [_sentence_text(chunks[r.chunk], doc_text[chunks[r.chunk].doc_id][r.start : r.end]) for r in sentences]

        cache = DocumentEmbeddingCache(settings.embedding_cache_dir, embedder)
        if settings.sentence_vectors != "build":  # sentences borrow passage vectors or are encoded when asked
            sent_texts = []
        todo = cache.missing_count(chunk_texts + sent_texts)
        with tqdm(total=todo, desc="encoding passages", unit="text", disable=not progress or todo == 0) as bar:
            chunk_vecs = cache.encode(chunk_texts, settings.embed_batch_size, bar.update)
            sent_vecs = cache.encode(sent_texts, settings.embed_batch_size, bar.update)

        bm25 = _bm25([terms or ["∅"] for terms in tokenizer.index_terms_many(chunk_texts)])
        index, kind = _dense_index(chunk_vecs)

        tmp = settings.index_dir / f".tmp-{uuid.uuid4().hex[:8]}"
        tmp.mkdir(parents=True)
        try:
            faiss.write_index(index, str(tmp / "dense.faiss"))
            np.save(tmp / "sentences.npy", sent_vecs)
            bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "userdict.txt").write_text("\n".join(user_words), encoding="utf-8")
            with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as f:
                for c in chunks:
                    f.write(json.dumps({**asdict(c), "section_path": list(c.section_path), "units": list(c.units)},
                                       ensure_ascii=False) + "\n")
            with (tmp / "sentences.jsonl").open("w", encoding="utf-8") as f:
                for r in sentences:
                    f.write(json.dumps(asdict(r)) + "\n")
            files = {
                str(p.relative_to(tmp)): file_sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()
            }
            manifest = Manifest(
                embedder={"name": embedder.name, "kind": settings.embedder, "dim": int(chunk_vecs.shape[1])},
                chunker=_chunker(settings).params,
                corpus_hash=chash,
                documents=[{"doc_id": d.doc_id, "title": d.meta.title, "source": d.meta.source, "sha256": d.meta.sha256,
                            "format": d.meta.format}
                           for d in docs],
                counts={"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences),
                        "sentences_encoded": len(sent_vecs), "encoded": cache.encoded, "tokenized": tokenizer.segmented,
                        "user_words": len(user_words)},
                dense_index=kind,
                code=code_fingerprint(),
                files=files,
                built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                build_seconds=round(time.perf_counter() - t0, 3),
            )
            manifest.write(tmp)
            version = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{chash[:8]}-{uuid.uuid4().hex[:4]}"
            (settings.index_dir / VERSIONS).mkdir(exist_ok=True)
            tmp.rename(settings.index_dir / VERSIONS / version)  # complete before anything points at it
            _point_to(settings.index_dir, version)
            _prune_versions(settings.index_dir, version)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        tokenizer.save_cache()
    log.info("index built: %s chunks, %s sentences, %s newly encoded, %s newly tokenized, %.2fs", len(chunks),
             len(sentences), cache.encoded, tokenizer.segmented, manifest.build_seconds)
    return manifest


def _read_chunks(path: Path) -> list[Chunk]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        d["section_path"] = tuple(d["section_path"])
        d["units"] = tuple(d["units"])
        out.append(Chunk(**d))
    return out


def load_index(settings: Settings, embedder: _NumpyEmbeddings, version: str | None = None) -> IndexBundle:
    """Load the live index; raises IndexError_ when it is missing, corrupt or stale for these settings/corpus."""
    folder = store_dir(settings, version)
    manifest = Manifest.read(folder)
    docs, chash = parse_corpus(settings)
    want = expected_key(settings, embedder.name, chash)
    if manifest.key() != want:
        diff = sorted(k for k in want if manifest.key().get(k) != want[k])
        raise IndexError_(f"index at {folder} is stale ({', '.join(diff)} changed); rebuild with `policyqa index`")
    manifest.verify_files(folder)
    try:
        chunks = _read_chunks(folder / "chunks.jsonl")
        sentences = [SentenceRef(**json.loads(x)) for x in (folder / "sentences.jsonl").read_text().splitlines()]
        index = faiss.read_index(str(folder / "dense.faiss"))
        sent_vecs = np.load(folder / "sentences.npy", allow_pickle=False)
        bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        user_words = (folder / "userdict.txt").read_text(encoding="utf-8").split("\n")
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexError_(f"index at {folder} is unreadable: {exc}") from exc
    if index.ntotal != len(chunks) or len(sent_vecs) not in (0, len(sentences)) or index.d != manifest.embedder["dim"]:
        raise IndexError_(f"index at {folder} is inconsistent with its manifest")
    if settings.sentence_vectors == "build" and len(sent_vecs) != len(sentences):
        raise IndexError_(f"index at {folder} holds no sentence vectors (sentence_vectors changed to 'build')")
    chunk_vecs = index.reconstruct_n(0, index.ntotal) if isinstance(index, faiss.IndexFlat) else np.zeros((0, index.d), np.float32)
    sent_vecs = sent_vecs.astype(np.float32, copy=False)
    provider: SentenceVectors
    if settings.sentence_vectors == "build":
        provider = BuiltSentenceVectors(sent_vecs)
    elif settings.sentence_vectors == "passage":
        all_chunks = chunk_vecs if len(chunk_vecs) else index.reconstruct_n(0, index.ntotal)
        provider = PassageSentenceVectors(all_chunks, [r.chunk for r in sentences])
    else:
        doc_text = {d.doc_id: d.text for d in docs}
        provider = QueryTimeSentenceVectors(embedder, [
            _sentence_text(chunks[r.chunk], doc_text[chunks[r.chunk].doc_id][r.start : r.end]) for r in sentences],
            index.d)
    return IndexBundle(
        folder=folder,
        manifest=manifest,
        documents={d.doc_id: d for d in docs},
        chunks=chunks,
        sentences=sentences,
        chunk_vectors=chunk_vecs,
        sentence_vectors=sent_vecs,
        dense=_langchain_store(index, chunks, embedder),
        bm25=bm25,
        tokenizer=Tokenizer((w for w in user_words if w), settings.token_cache_dir),
        aliases=AliasTable(u for c in chunks for u in c.units),
        sentence_provider=provider,
    )


def ensure_index(settings: Settings, embedder: _NumpyEmbeddings, *, progress: bool = True) -> IndexBundle:
    """Load the index, (re)building it first when it is missing, stale or corrupt."""
    try:
        return load_index(settings, embedder)
    except IndexError_ as exc:
        log.warning("%s -- building the index", exc.message)
    build_index(settings, embedder, progress=progress)
    return load_index(settings, embedder)
