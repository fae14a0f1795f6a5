"""Hybrid retrieval over the real Fuzhou index: dense + BM25 fused by reciprocal rank, as a LangChain retriever."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from policyqa.errors import ConfigError
from policyqa.retrieve.hybrid import HybridRetriever, PolicyRetriever
from policyqa.text.normalize import normalize_query

ENERGY = "三、发展重点 > （二）推动重点产业倍增发展 > 3. 未来能源"


def _ranked(assistant, query: str, k: int = 5):  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(assistant.bundle, rrf_k=60, candidates=30)
    q = normalize_query(query)
    return retriever.search(assistant.embedder.encode_query(q), assistant.bundle.tokenizer.terms(q), k)


def test_future_energy_clause_comes_first(assistant) -> None:  # type: ignore[no-untyped-def]
    hits = assistant.search("未来能源", top_k=5)
    assert hits[0].chunk.section == ENERGY
    assert hits[0].dense_rank == 0 and hits[0].sparse_rank == 0


def test_fused_score_is_reciprocal_rank_fusion(assistant) -> None:  # type: ignore[no-untyped-def]
    ranked = _ranked(assistant, "燃料电池关键材料", k=8)
    hits = ranked.hits
    assert len(hits) == 8
    for h in hits:
        expected = sum(1.0 / (60 + r + 1) for r in (h.dense_rank, h.sparse_rank) if r is not None)
        assert h.score == pytest.approx(expected)
        if h.sparse_rank is not None:
            assert h.sparse_score and h.sparse_score > 0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # found by both channels beats found by one
    assert hits[0].chunk.section == ENERGY and "燃料电池" in hits[0].chunk.text
    assert hits[0].dense_rank is not None and hits[0].sparse_rank is not None
    assert set(ranked.timings_ms) == {"dense", "bm25", "fusion"}


def test_rrf_k_changes_scores_not_the_winner(assistant) -> None:  # type: ignore[no-untyped-def]
    q = normalize_query("揭榜挂帅")
    qvec, terms = assistant.embedder.encode_query(q), assistant.bundle.tokenizer.terms(q)
    a = HybridRetriever(assistant.bundle, rrf_k=60).search(qvec, terms, 3).hits
    b = HybridRetriever(assistant.bundle, rrf_k=1).search(qvec, terms, 3).hits
    assert a[0].chunk.id == b[0].chunk.id
    assert "“揭榜挂帅”" in a[0].chunk.text
    assert b[0].score == pytest.approx(1 / 2 + 1 / 2) and a[0].score == pytest.approx(2 / 61)


def test_bad_parameters_are_refused(assistant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="rrf_k must be > 0, got 0"):
        HybridRetriever(assistant.bundle, rrf_k=0)
    with pytest.raises(ConfigError, match="candidates"):
        HybridRetriever(assistant.bundle, candidates=0)
    with pytest.raises(ConfigError, match="top_k"):
        HybridRetriever(assistant.bundle).search(assistant.embedder.encode_query("未来能源"), ["未来能源"], 0)


@pytest.mark.parametrize(("traditional", "simplified"), [("未來能源", "未来能源"), ("深海空天開發", "深海空天开发"),
                                                         ("量子科技由哪些部門負責", "量子科技由哪些部门负责")])
def test_traditional_query_retrieves_the_same_as_simplified(assistant, traditional: str, simplified: str) -> None:  # type: ignore[no-untyped-def]
    t = [(h.chunk.id, round(h.score, 6)) for h in assistant.search(traditional, top_k=5)]
    s = [(h.chunk.id, round(h.score, 6)) for h in assistant.search(simplified, top_k=5)]
    assert t == s


def test_full_department_name_finds_clauses_listing_the_abbreviation(assistant) -> None:  # type: ignore[no-untyped-def]
    doc = assistant.bundle.documents["fuzhou_future_industries_2023"]
    assert "市工业和信息化局" not in doc.text  # the notice only ever writes 市工信局
    hits = assistant.search("市工业和信息化局", top_k=5)
    assert all("市工信局" in h.chunk.units for h in hits)
    assert hits[0].sparse_rank is not None  # BM25 matched through the alias
    assert "市工信局" in hits[0].chunk.text


def test_policy_retriever_is_a_langchain_retriever(assistant) -> None:  # type: ignore[no-untyped-def]
    retriever = PolicyRetriever(assistant=assistant, k=3)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("未来能源")
    assert len(docs) == 3
    assert all(isinstance(d, LCDocument) for d in docs)
    top = docs[0]
    assert top.metadata["doc_id"] == "fuzhou_future_industries_2023"
    assert top.metadata["section"] == ENERGY
    assert top.metadata["units"] == ["市工信局", "市发改委", "市科技局"]
    text = assistant.bundle.documents["fuzhou_future_industries_2023"].text
    for d in docs:
        assert text[d.metadata["start"]:d.metadata["end"]] == d.page_content
        assert d.metadata["score"] > 0
    batch = retriever.batch(["量子科技", "元宇宙"])
    assert batch[0][0].metadata["section"].endswith("1. 量子科技")
    assert batch[1][0].metadata["section"].endswith("5. 元宇宙")


def test_a_list_titled_like_its_notice_leaves_room_for_other_passages() -> None:
    from policyqa.retrieve.hybrid import _one_row_per_table
    from policyqa.types import Chunk

    title = "澜沧湾市科学技术局澜沧湾市财政局关于2025年度企业研发投入后补助拟奖励名单的公示"

    def chunk(i: int, section: str, text: str, doc: str = "d") -> Chunk:
        return Chunk(f"c{i}", doc, title, f"k{i}", (section,), 0, len(text), text)

    # the rows of a 拟奖励名单 titled like its notice rank on the notice's name; the paragraphs come after them
    named = "2025年度澜沧湾市企业研发投入后补助拟奖励名单"
    chunks = [chunk(0, named, "1|甲公司|港川区|100.0|"), chunk(1, named, "2|乙公司|蓝溪县|78.6|"),
              chunk(2, "二、补助标准", "按增量部分的10%给予后补助。"), chunk(3, named, "3|丙公司|临渚区|93.4|"),
              chunk(4, named, "1|丁公司|白沙县|20.5|", doc="e"), chunk(5, "四、其他事项", "由市财政局拨付。")]
    assert _one_row_per_table(chunks, [10, 11, 12, 13, 14, 15], 4) == [10, 12, 14, 15]
    # a table under a heading of its own (「三、管制路段及管制措施」) keeps its rows: each may be the one asked
    own = [chunk(i, "三、管制路段及管制措施", f"{i}|某路段|全天|禁止通行") for i in range(3)]
    assert _one_row_per_table(own, [0, 1, 2], 3) == [0, 1, 2]
