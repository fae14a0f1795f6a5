"""Sentence vectors for answer selection: encoded at build, borrowed from the passage, or encoded when asked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from policyqa.index.sentences import BuiltSentenceVectors, PassageSentenceVectors, QueryTimeSentenceVectors
from conftest import FUZHOU, make_settings


class CountingEncoder:
    """Deterministic stand-in: a text's vector is its length and first character code, normalized."""

    dim = 2

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        v = np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_built_vectors_are_rows_of_the_matrix() -> None:
    m = np.eye(3, dtype=np.float32)
    p = BuiltSentenceVectors(m)
    assert np.array_equal(p.for_indices([2, 0]), m[[2, 0]])
    assert np.array_equal(p.similarities(np.array([0, 1, 0], np.float32)), [0, 1, 0])


def test_passage_mode_gives_each_sentence_its_passage_vector() -> None:
    chunks = np.array([[1, 0], [0, 1]], dtype=np.float32)
    p = PassageSentenceVectors(chunks, [0, 0, 1])  # sentences 0 and 1 in passage 0, sentence 2 in passage 1
    assert np.array_equal(p.for_indices([1, 2]), chunks[[0, 1]])
    assert np.array_equal(p.similarities(np.array([1, 0], np.float32)), [1, 1, 0])


def test_query_mode_encodes_missing_sentences_once_in_one_batch() -> None:
    enc = CountingEncoder()
    p = QueryTimeSentenceVectors(enc, ["甲一", "乙二三", "丙"], dim=2, size=10)
    v = p.for_indices([2, 0, 2])
    assert enc.calls == [["甲一", "丙"]]  # one batch, each sentence once
    assert np.allclose(v[0], v[2]) and np.allclose(v[1], enc.encode_documents(["甲一"])[0])
    enc.calls.clear()
    p.for_indices([0, 1])
    assert enc.calls == [["乙二三"]]  # 甲一 came from the LRU
    assert p.encoded == 3
    assert np.all(np.isneginf(p.similarities(np.array([1, 0], np.float32))))


def test_query_mode_lru_is_bounded() -> None:
    enc = CountingEncoder()
    p = QueryTimeSentenceVectors(enc, ["甲", "乙", "丙"], dim=2, size=2)
    p.for_indices([0])
    p.for_indices([1])
    p.for_indices([2])  # evicts 甲
    enc.calls.clear()
    p.for_indices([0])
    assert enc.calls == [["甲"]]
    with pytest.raises(ValueError, match="size must be > 0"):
        QueryTimeSentenceVectors(enc, [], dim=2, size=0)


@pytest.mark.parametrize("mode", ["passage", "query"])
def test_cheaper_modes_encode_no_sentence_at_build_and_still_answer(mode: str, tmp_path: Path) -> None:
    from policyqa.pipeline import Assistant

    settings = make_settings(FUZHOU, tmp_path / "index", sentence_vectors=mode)
    a = Assistant(settings, progress=False)
    counts = a.bundle.manifest.counts
    assert counts["sentences"] > 0 and counts["sentences_encoded"] == 0
    assert a.bundle.sentence_vectors_for([0, 1]).shape == (2, a.embedder.dim)
    ans = a.ask("哪些部门负责未来能源？")
    assert ans.answerable and set(ans.departments) == {"市工信局", "市发改委", "市科技局"}
    # the same index folder is stale for build-time sentence vectors: it is rebuilt with them
    b = Assistant(settings.model_copy(update={"sentence_vectors": "build"}), embedder=a.embedder, progress=False)
    assert b.bundle.manifest.counts["sentences_encoded"] == counts["sentences"]
