"""`policyqa bench --quick` end to end: every section is present and its numbers hang together.

No wall-clock assertions: the machine is shared, so only shapes and relations are checked."""

from __future__ import annotations

import json

import pytest

from policyqa.bench import HTTP_LEVELS, QUICK, STAGES, TARGETS, load_questions, recall_at_k, run_bench_cli, summary
from policyqa.settings import Settings
from conftest import LIBRARY, SHARED_CACHE

pytestmark = pytest.mark.slow


def _latency_ok(s: dict) -> None:  # type: ignore[type-arg]
    assert s["n"] > 0
    assert 0 < s["min"] <= s["p50"] <= s["p95"] <= s["p99"] <= s["max"]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("bench")
    settings = Settings(corpus_dir=LIBRARY, index_dir=tmp / "index", cache_dir=SHARED_CACHE)  # type: ignore[arg-type]
    path = run_bench_cli(settings, out=tmp / "results", quick=True)
    assert path.parent == tmp / "results" and path.name.startswith("bench-") and path.suffix == ".json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_section_is_there(result: dict) -> None:  # type: ignore[type-arg]
    for key in ("library", "floor", "in_process", "http", "build", "baseline", "accuracy", "growth", "ann", "headline",
                "targets", "git", "machine", "settings"):
        assert key in result, key
    assert result["quick"] is True
    assert result["library"]["documents"] == QUICK.notices
    assert [t["key"] for t in result["targets"]] == [t.key for t in TARGETS]
    assert all(t["pass"] in (True, False, None) for t in result["targets"])
    # with the baseline installed every ratio to it is measured and judged
    if "build" in result["baseline"]:
        judged = {t["key"]: t["pass"] for t in result["targets"]}
        for key in ("http_c1_p50_x_baseline", "http_c16_rps_x_baseline", "cold_build_x_baseline"):
            assert isinstance(judged[key], bool), key


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
    if result["in_process"]["baseline"]:
        _latency_ok(result["in_process"]["baseline"]["end_to_end"])
        assert result["in_process"]["p50_x_baseline"] == pytest.approx(
            off["end_to_end"]["p50"] / result["in_process"]["baseline"]["end_to_end"]["p50"], rel=1e-2)


def test_http_levels_have_no_errors(result: dict) -> None:  # type: ignore[type-arg]
    http = result["http"]
    for levels in (http["distinct"], http["baseline"] or []):
        assert [lv["concurrency"] for lv in levels] == list(HTTP_LEVELS)
        for lv in levels:
            assert lv["errors"] == 0, lv["statuses"]
            assert lv["requests"] >= lv["concurrency"] and lv["req_per_s"] > 0
            _latency_ok(lv["latency_ms"])
            # the server's own pipeline time is part of what the client waited for
            assert lv["server_pipeline_ms"]["p50"] <= lv["latency_ms"]["p50"]
    assert http["distinct"][0]["p50_x_floor"] > 0
    if http["baseline"]:
        assert [x["concurrency"] for x in http["x_baseline"]] == list(HTTP_LEVELS)
    rep = http["repeated"]
    assert rep["server"] == QUICK.repeated_server
    assert [lv["concurrency"] for lv in rep["levels"]] == [1, 16]
    assert all(lv["errors"] == 0 for lv in rep["levels"])
    # served from the query cache: the embed stage is a dictionary lookup, not an encoding
    assert rep["levels"][0]["server_embed_ms"]["p50"] < http["distinct"][0]["server_embed_ms"]["p50"]


def test_builds(result: dict) -> None:  # type: ignore[type-arg]
    b = result["build"]
    assert b["cold"]["encoded"] > 0 and b["cold"]["chars_per_s"] > 0
    assert b["unchanged"]["encoded"] == 0
    add = b["add_one_notice"]
    # only the added notice's passages are encoded; the library less it came from the cache
    assert 0 < add["encoded"] < b["cold"]["encoded"]
    assert add["documents_before"] == result["library"]["documents"] - 1
    assert add["counts"]["chunks"] == b["cold"]["counts"]["chunks"]
    assert b["cold"]["counts"]["chunks"] == b["unchanged"]["counts"]["chunks"]
    other = b["cold_other_sentence_vectors"]  # the other design: sentences encoded at build, or not
    assert other["counts"]["chunks"] == b["cold"]["counts"]["chunks"]
    assert (other["encoded"] < b["cold"]["encoded"]) == (other["sentence_vectors"] != "build")
    assert other["counts"]["sentences_encoded"] == (other["counts"]["sentences"] if other["sentence_vectors"] == "build" else 0)
    if "build" in result["baseline"]:
        bb = result["baseline"]["build"]
        assert bb["cold"]["seconds"] > 0 and bb["cold"]["chunks"] > 0
        assert 0 < bb["add_one_notice"]["chunks"] < bb["cold"]["chunks"]


def test_servers(result: dict) -> None:  # type: ignore[type-arg]
    for srv in (result["http"]["server"], result["http"]["baseline_server"]):
        if srv is None:
            continue
        assert 0 < srv["start"]["ready_s"] <= srv["start"]["first_answer_s"]
        assert srv["start"]["rss_after_start_mb"] > 0
        assert srv["peak_rss_serving_mb"] >= srv["start"]["rss_after_start_mb"] * 0.9
        assert srv["vm_hwm_mb"] >= srv["rss_end_mb"] > 0


def test_accuracy_on_the_holdout_of_the_library(result: dict) -> None:  # type: ignore[type-arg]
    sets = result["accuracy"]["sets"]
    assert "questions_all" in sets  # the three quick notices are the ones holdout/questions_all asks about
    for s in sets.values():
        assert s["n"] > 0 and 0 <= s["strict_accuracy"] <= 1
        assert s["citation_validity"] in (None, 1.0)


def test_growth_from_one_notice(result: dict) -> None:  # type: ignore[type-arg]
    rows = result["growth"]["rows"]
    assert len(rows) == 2 + len(QUICK.scale_factors)
    one, lib, *copies = rows
    assert one["documents"] == 1 and lib["documents"] == result["library"]["documents"]
    assert 0 < one["encoded"] and one["chunks"] < lib["chunks"]
    for r, factor in zip(copies, QUICK.scale_factors):
        assert r["documents"] == lib["documents"] * factor
        assert r["chunks"] == lib["chunks"] * factor
        assert r["sentences"] == lib["sentences"] * factor
        assert r["encoded"] == 0  # identical copies: every vector comes from the embedding cache
    for r in rows:
        _latency_ok(r["end_to_end"])
        assert {"dense", "bm25", "compose"} <= set(r["stages_p50_ms"])


def test_flat_vs_hnsw(result: dict) -> None:  # type: ignore[type-arg]
    ann = result["ann"]
    assert ann["hnsw_min_vectors"] > 0 and ann["queries"] > 0
    assert len(ann["cases"]) == 1 + len(QUICK.ann_sizes)
    assert ann["cases"][0]["vectors"] == result["growth"]["rows"][-1]["chunks"]
    for case in ann["cases"]:
        assert case["flat"]["recall_at_10"] == 1.0
        assert 0.0 <= case["hnsw"]["recall_at_10"] <= 1.0
        assert case["flat"]["search_p50_ms"] > 0 and case["hnsw"]["search_p50_ms"] > 0


def test_headline_is_consistent(result: dict) -> None:  # type: ignore[type-arg]
    h = result["headline"]
    assert h["floor_p50_ms"] == result["floor"]["p50"]
    assert h["in_process_p50_x_floor"] == result["in_process"]["cache_off"]["p50_x_floor"]
    assert h["rebuild_unchanged_s"] == result["build"]["unchanged"]["seconds"]
    assert h["add_one_notice_s"] == result["build"]["add_one_notice"]["seconds"]
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


def test_bench_questions_name_their_notice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [{"question": "福州的未来能源由谁负责？", "doc_id": "fuzhou"}, {"question": "广安的呢？", "doc_id": "guangan",
                                                             "history": [{"role": "user", "content": "x"}]},
            {"question": "广安慈善意见何时印发？", "doc_id": "guangan"}, {"question": "福州的未来能源由谁负责？", "doc_id": "fuzhou"}]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert load_questions(path) == ["福州的未来能源由谁负责？", "广安慈善意见何时印发？"]  # distinct, single-turn
    assert load_questions(path, {"guangan"}) == ["广安慈善意见何时印发？"]
    assert load_questions(path, {"elsewhere"}) == ["福州的未来能源由谁负责？", "广安慈善意见何时印发？"]


def test_questions_answered_while_a_notice_is_added(result: dict) -> None:  # type: ignore[type-arg]
    add = result["build"]["add_one_notice"]
    live = add["while_asking"]
    assert live["notice"] == add["notice"]
    # Library.add encodes only the new notice, and the Assistant switches to the version that holds it
    assert 0 < live["encoded"] == add["encoded"]
    assert live["switched"] and live["documents_after"] == result["library"]["documents"]
    for phase in ("idle", "during_add"):
        assert live[phase]["failed"] == 0, live[phase]["failures"]
        _latency_ok(live[phase]["latency_ms"])
    assert live["failed"] == 0
    assert live["p95_x_idle"] == pytest.approx(
        live["during_add"]["latency_ms"]["p95"] / live["idle"]["latency_ms"]["p95"], rel=1e-2)
    h = result["headline"]
    assert h["add_failed_questions"] == 0
    assert (h["add_idle_p95_ms"], h["add_during_p95_ms"]) == (live["idle"]["latency_ms"]["p95"],
                                                              live["during_add"]["latency_ms"]["p95"])
