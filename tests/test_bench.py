"""`policyqa bench --quick` end to end: every section is present and its numbers hang together.

No wall-clock assertions: the machine is shared, so only shapes and relations are checked."""

from __future__ import annotations

import json

import pytest

from policyqa.bench import HTTP_LEVELS, QUICK, STAGES, TARGETS, recall_at_k, run_bench_cli, summary
from policyqa.settings import Settings
from conftest import CORPUS, SHARED_CACHE

pytestmark = pytest.mark.slow


def _latency_ok(s: dict) -> None:  # type: ignore[type-arg]
    assert s["n"] > 0
    assert 0 < s["min"] <= s["p50"] <= s["p95"] <= s["p99"] <= s["max"]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("bench")
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp / "index", cache_dir=SHARED_CACHE)  # type: ignore[arg-type]
    path = run_bench_cli(settings, out=tmp / "results", quick=True)
    assert path.parent == tmp / "results" and path.name.startswith("bench-") and path.suffix == ".json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_section_is_there(result: dict) -> None:  # type: ignore[type-arg]
    for key in ("floor", "in_process", "http", "build", "server", "scaling", "ann", "headline", "targets", "git",
                "machine", "settings"):
        assert key in result, key
    assert result["quick"] is True
    assert [t["key"] for t in result["targets"]] == [t.key for t in TARGETS]
    assert all(isinstance(t["pass"], bool) for t in result["targets"])


def test_floor_and_in_process_stages(result: dict) -> None:  # type: ignore[type-arg]
    _latency_ok(result["floor"])
    off = result["in_process"]["cache_off"]
    assert set(off["stages"]) == set(STAGES)
    for stage in off["stages"].values():
        assert stage["n"] > 0 and stage["p50"] <= stage["p95"]
    _latency_ok(off["end_to_end"])
    # the stages add up to the pipeline total, and the end-to-end wall time contains it
    assert off["stages"]["total"]["p50"] <= off["end_to_end"]["p50"] * 1.05
    assert off["p50_x_floor"] > 0
    on = result["in_process"]["cache_on"]
    assert on["hits"] >= on["questions"] and on["misses"] <= on["questions"]
    _latency_ok(on["repeated"])


def test_http_levels_have_no_errors(result: dict) -> None:  # type: ignore[type-arg]
    levels = result["http"]["distinct"]
    assert [lv["concurrency"] for lv in levels] == list(HTTP_LEVELS)
    for lv in levels:
        assert lv["errors"] == 0, lv["statuses"]
        assert lv["requests"] >= lv["concurrency"] and lv["req_per_s"] > 0
        _latency_ok(lv["latency_ms"])
        # the server's own pipeline time is part of what the client waited for
        assert lv["server_pipeline_ms"]["p50"] <= lv["latency_ms"]["p50"]
    assert levels[0]["p50_x_floor"] > 0
    rep = result["http"]["repeated"]
    assert rep["server"] == QUICK.repeated_server
    assert [lv["concurrency"] for lv in rep["levels"]] == [1, 16]
    assert all(lv["errors"] == 0 for lv in rep["levels"])
    # served from the query cache: the embed stage is a dictionary lookup, not an encoding
    assert rep["levels"][0]["server_embed_ms"]["p50"] < levels[0]["server_embed_ms"]["p50"]


def test_build_and_server(result: dict) -> None:  # type: ignore[type-arg]
    b = result["build"]
    assert b["cold"]["encoded"] > 0
    assert b["unchanged"]["encoded"] == 0
    assert 0 < b["one_paragraph_changed"]["encoded"] < b["cold"]["encoded"]
    assert b["cold"]["counts"]["chunks"] == b["unchanged"]["counts"]["chunks"]
    srv = result["server"]
    assert 0 < srv["start"]["ready_s"] <= srv["start"]["first_answer_s"]
    assert srv["start"]["rss_after_start_mb"] > 0
    assert srv["peak_rss_serving_mb"] >= srv["start"]["rss_after_start_mb"] * 0.9
    assert srv["vm_hwm_mb"] >= srv["rss_end_mb"] > 0


def test_scaling_grows_with_the_corpus(result: dict) -> None:  # type: ignore[type-arg]
    rows = result["scaling"]["rows"]
    assert [r["factor"] for r in rows] == [1, *QUICK.scale_factors]
    base = rows[0]
    for r in rows[1:]:
        assert r["documents"] == base["documents"] * r["factor"]
        assert r["chunks"] == base["chunks"] * r["factor"]
        assert r["sentences"] == base["sentences"] * r["factor"]
        assert r["encoded"] == 0  # identical copies: every vector comes from the embedding cache
        _latency_ok(r["end_to_end"])
        assert {"dense", "bm25", "compose"} <= set(r["stages_p50_ms"])


def test_flat_vs_hnsw(result: dict) -> None:  # type: ignore[type-arg]
    ann = result["ann"]
    assert ann["hnsw_min_vectors"] > 0 and ann["queries"] > 0
    assert len(ann["cases"]) == 1 + len(QUICK.ann_sizes)
    assert ann["cases"][0]["vectors"] == result["scaling"]["rows"][-1]["chunks"]
    for case in ann["cases"]:
        assert case["flat"]["recall_at_10"] == 1.0
        assert 0.0 <= case["hnsw"]["recall_at_10"] <= 1.0
        assert case["flat"]["search_p50_ms"] > 0 and case["hnsw"]["search_p50_ms"] > 0


def test_headline_is_consistent(result: dict) -> None:  # type: ignore[type-arg]
    h = result["headline"]
    assert h["floor_p50_ms"] == result["floor"]["p50"]
    assert h["in_process_p50_x_floor"] == result["in_process"]["cache_off"]["p50_x_floor"]
    assert h["rebuild_unchanged_s"] == result["build"]["unchanged"]["seconds"]
    assert h["http_c16_errors"] == 0


def test_recall_counts_ties_as_hits() -> None:
    import numpy as np

    exact = np.array([[0.9] * 10 + [0.5]])
    tied = np.array([[0.9] * 10])  # other ids, same scores: still correct
    worse = np.array([[0.9] * 5 + [0.4] * 5])
    assert recall_at_k(exact, tied) == 1.0
    assert recall_at_k(exact, worse) == 0.5


def test_summary_of_nothing_and_of_values() -> None:
    assert summary([])["n"] == 0
    s = summary([1.0, 2.0, 3.0, 4.0])
    assert s["p50"] == 2.5 and s["min"] == 1.0 and s["max"] == 4.0
