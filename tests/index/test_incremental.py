"""Adding a notice reuses what the last build worked out for the others (tokens, parses, vectors), and the index
it builds is the one a build from scratch would: same chunks, tokens, vectors, manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import faiss
from policyqa.index.embedders import _NumpyEmbeddings
from policyqa.index.store import build_index, store_dir
from policyqa.library import Library
from policyqa.settings import Settings
from policyqa.text.tokenize import Tokenizer, signature
from conftest import FUZHOU, LIBRARY, TEST_DATA

OLD = [FUZHOU, TEST_DATA / "guangan_gov_investment_measures_2023.txt"]
NEW = LIBRARY / "guangan_intellectual_property_2022.txt"  # its words re-segment two passages of the others
VECTOR_FILES = {"dense.faiss", "sentences.npy"}  # compared within float tolerance, not by checksum


class HashEmbeddings(_NumpyEmbeddings):
    """Deterministic stand-in for the model: a text's vector comes from its hash (fast, no model to load)."""

    name = "test-hash-16"
    dim = 16

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_documents([text])[0]

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[: self.dim], dtype=np.uint8) for t in texts]
        v = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim) - 127.5
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def _library(root: Path, files: list[Path]) -> Settings:
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    for f in files:
        shutil.copy(f, corpus / f.name)
    return Settings(corpus_dir=corpus, index_dir=root / "index")  # caches of its own, under the index folder


def _version(s: Settings) -> dict[str, object]:
    folder = store_dir(s)
    files = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name not in VECTOR_FILES}
    manifest = json.loads(files.pop("manifest.json"))
    for volatile in ("built_at", "build_seconds"):
        manifest.pop(volatile)
    for work_done in ("encoded", "tokenized"):  # what this build had to do, not what the index holds
        manifest["counts"].pop(work_done)
    manifest["files"] = {k: v for k, v in manifest["files"].items() if k not in VECTOR_FILES}
    index = faiss.read_index(str(folder / "dense.faiss"))
    return {"manifest": manifest, "files": files, "chunk_vectors": index.reconstruct_n(0, index.ntotal),
            "sentence_vectors": np.load(folder / "sentences.npy")}


@pytest.mark.parametrize("token_cache", ["kept", "corrupt"])
def test_an_added_notice_gives_the_index_a_full_rebuild_gives(tmp_path: Path, token_cache: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = HashEmbeddings()
    scratch = _library(tmp_path / "scratch", [*OLD, NEW])
    build_index(scratch, embedder, progress=False)

    grown = _library(tmp_path / "grown", OLD)
    build_index(grown, embedder, progress=False)
    words_before = set((store_dir(grown) / "userdict.txt").read_text(encoding="utf-8").split("\n"))
    if token_cache == "corrupt":
        (grown.token_cache_dir / f"tokens-{signature()}.json").write_bytes(b'{"format": 1, "entr')
    segmented: list[str] = []  # every text jieba had to read during the add
    for method in ("words", "_cut"):
        real = getattr(Tokenizer, method)
        monkeypatch.setattr(Tokenizer, method, lambda self, text, real=real: segmented.append(text) or real(self, text))
    change = Library(grown, embedder).add([(NEW.name, NEW.read_bytes())])
    monkeypatch.undo()

    want, got = _version(scratch), _version(grown)
    assert got["manifest"] == want["manifest"]
    assert got["files"].keys() == want["files"].keys() >= {"chunks.jsonl", "sentences.jsonl", "userdict.txt"}
    for name in want["files"]:  # chunks, sentence spans, the user dictionary and BM25 (the tokens), byte for byte
        assert got["files"][name] == want["files"][name], name
    assert np.allclose(got["chunk_vectors"], want["chunk_vectors"], atol=1e-6)
    assert np.allclose(got["sentence_vectors"], want["sentence_vectors"], atol=1e-6)

    # the work done: the new notice's texts, and old ones only where the new notice's words occur in them
    counts, total = change.manifest.counts, want["manifest"]["counts"]
    assert 0 < counts["encoded"] < total["chunks"] + total["sentences"]
    assert counts["tokenized"] == len(segmented)
    chunks = [json.loads(x) for x in got["files"]["chunks.jsonl"].decode().splitlines()]
    new_lines = {ln for c in chunks if c["doc_id"] == NEW.stem for ln in c["text"].split("\n")}
    old_texts = [t for t in segmented if not any(n in t for n in new_lines)]  # (texts are tokenized line by line)
    words_added = set(got["files"]["userdict.txt"].decode().split("\n")) - words_before
    if token_cache == "kept":
        assert all(any(w in t for w in words_added) for t in old_texts), "an unchanged text was tokenized again"
        assert len(old_texts) < len(segmented) < total["chunks"]
    else:  # nothing to trust: everything is tokenized again, and the result is the same
        assert len(old_texts) > total["chunks"] - len(new_lines)
