"""The refusal gate: the soft features of a sentence answer, judged by hand-set thresholds or a fitted logistic gate."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from policyqa.answer.context import Thresholds
from policyqa.answer.gate import (
    FEATURE_NAMES, FittedGate, GateFeatures, HandGate, RecordingGate, fit_logistic, load_gate,
)
from policyqa.errors import ConfigError

OK = GateFeatures(coverage=0.8, dense=0.91, support=0.8, asked=1.0, sentence_cos=0.92, lexical=0.6, unknown=0.0, scoped=1.0)


@pytest.mark.parametrize(("change", "reason"), [
    ({"coverage": 0.3, "dense": 0.87}, "low_coverage:0.30"),
    ({"dense": 0.83}, "low_similarity:0.830"),
    ({"support": 0.2}, "detail_not_stated:amount:support=0.20"),
])
def test_hand_gate_refuses_on_each_threshold(change: dict[str, float], reason: str) -> None:
    gate, th = HandGate(), Thresholds()
    assert not gate.decide(OK, th, "amount").refuse
    verdict = gate.decide(replace(OK, **change), th, "amount")
    assert verdict.refuse and verdict.reason == reason


def test_hand_gate_lets_a_very_close_passage_through_low_coverage_and_ignores_support_when_nothing_is_asked() -> None:
    th = Thresholds()
    assert not HandGate().decide(replace(OK, coverage=0.3, dense=0.9), th, "").refuse  # dense >= dense_strong
    assert not HandGate().decide(replace(OK, support=0.1, asked=0.0), th, "").refuse


def test_logistic_fit_finds_the_feature_that_separates() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURE_NAMES)))
    y = (x[:, FEATURE_NAMES.index("support")] > 0).astype(float)
    w, b, mean, scale = fit_logistic(x, y, l2=0.1)
    assert np.argmax(np.abs(w)) == FEATURE_NAMES.index("support") and w[FEATURE_NAMES.index("support")] > 0
    p = 1 / (1 + np.exp(-(((x - mean) / scale) @ w + b)))
    assert ((p > 0.5) == (y > 0.5)).mean() > 0.95


def test_fitted_gate_round_trips_and_decides_by_its_threshold(tmp_path: Path) -> None:
    w = np.zeros(len(FEATURE_NAMES))
    w[FEATURE_NAMES.index("support")] = 4.0
    gate = FittedGate(w, 0.0, np.full(len(w), 0.5), np.ones(len(w)), 0.5, {"kind": "test"})
    path = tmp_path / "gate.json"
    path.write_text(json.dumps(gate.to_dict()), encoding="utf-8")
    loaded = load_gate(str(path))
    assert isinstance(loaded, FittedGate) and loaded.source == {"kind": "test"}
    assert not loaded.decide(replace(OK, support=0.9), Thresholds(), "").refuse
    verdict = loaded.decide(replace(OK, support=0.1), Thresholds(), "")
    assert verdict.refuse and verdict.reason.startswith("gate:0.")
    assert isinstance(load_gate(None), HandGate) and isinstance(load_gate(""), HandGate) and isinstance(load_gate("hand"), HandGate)


@pytest.mark.parametrize("bad", ['{"features": ["coverage"], "weights": [1], "mean": [0], "scale": [1], "bias": 0, "threshold": 0.5}',
                                 "not json", '{"weights": []}'])
def test_a_broken_gate_file_is_a_config_error(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "gate.json"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_gate(str(path))


def test_the_gate_decides_real_answers_and_recording_opens_it(assistant) -> None:  # type: ignore[no-untyped-def]
    """On the real notice: a gate that refuses everything refuses a stated fact with its reason; the recording gate
    answers it and keeps the features the answer was judged on."""
    kind = assistant.composer.fallback
    kept = kind.gate
    question = "福州计划培育多少家头部企业？"
    try:
        w = np.zeros(len(FEATURE_NAMES))
        kind.gate = FittedGate(w, -10.0, np.zeros(len(w)), np.ones(len(w)), 0.5, {})
        refused = assistant.ask(question)
        assert not refused.answerable and refused.refusal_reason.startswith("gate:")
        kind.gate = rec = RecordingGate()
        answered = assistant.ask(question)
        assert answered.answerable and rec.last is not None
        assert 0.0 < rec.last.support <= 1.0 and rec.last.scoped in (0.0, 1.0) and rec.last.asked == 1.0
    finally:
        kind.gate = kept


@pytest.mark.slow
def test_fit_gate_on_a_real_question_set_reports_both_gates(assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from policyqa.answer.fit import fit_gate

    # the Fuzhou set and the three-notice set: unanswerable questions a hard check does not refuse first reach the gate
    evals = Path(__file__).parents[2] / "evals"
    out = tmp_path / "gate.json"
    before = assistant.composer.fallback.gate
    report = fit_gate(assistant, [evals / "questions.jsonl", evals / "questions_multi.jsonl"], out, folds=3)
    assert assistant.composer.fallback.gate is before  # the recording gate was put back
    n = report["examples"]["reached_the_gate"]
    for key in ("hand_set", "fitted_in_sample", "fitted_cross_validated_3fold"):
        o = report[key]
        assert o["right_answers_kept"] + o["right_answers_refused"] == report["examples"]["right_answers"]
        assert o["unanswerable_refused"] + o["unanswerable_answered"] == report["examples"]["unanswerable"]
    assert 0 < report["examples"]["unanswerable"] < n
    assert isinstance(load_gate(str(out)), FittedGate)


@pytest.mark.slow
def test_the_gate_threshold_chosen_on_other_sets_is_the_best_there(assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Weights fitted on one set, the threshold chosen on another: no threshold scores better on that other set."""
    from policyqa.answer.fit import _gate_outcomes, collect_gate_examples, fit_gate
    from policyqa.evaluate import load_questions

    evals = Path(__file__).parents[2] / "evals"
    out = tmp_path / "gate.json"
    report = fit_gate(assistant, [evals / "questions_multi.jsonl"], out, folds=3, unanswerable_weight=2.0,
                      threshold_paths=[evals / "questions.jsonl"])
    assert report["command"].endswith(f"--threshold-questions {evals / 'questions.jsonl'} --l2 3 --unanswerable-weight 2")
    gate = load_gate(str(out))
    assert isinstance(gate, FittedGate) and gate.threshold == report["threshold"]
    rows = collect_gate_examples(assistant, load_questions(evals / "questions.jsonl").questions)
    p = gate.probabilities(np.array([r["features"] for r in rows]))
    chosen = _gate_outcomes(p < gate.threshold, rows, 2.0)["score"]
    assert chosen == report["threshold_sets_chosen_threshold"]["score"]
    assert all(_gate_outcomes(p < t, rows, 2.0)["score"] <= chosen for t in np.linspace(0.05, 0.95, 91))


def test_a_number_in_the_count_unit_asked_needs_less_of_the_topic() -> None:
    th = Thresholds()
    partial = replace(OK, support=0.35)
    assert HandGate().decide(partial, th, "quantity").refuse
    assert not HandGate().decide(replace(partial, unit_match=1.0), th, "quantity").refuse
    assert HandGate().decide(replace(partial, support=0.2, unit_match=1.0), th, "quantity").refuse


def test_the_shipped_gate_is_the_default_and_names_the_dev_sets_it_was_fitted_on() -> None:
    from policyqa.settings import Settings

    gate = load_gate(Settings().refusal_gate)
    assert isinstance(gate, FittedGate)
    fitted_on = [d["path"] for d in gate.source["datasets"] + gate.source.get("threshold_datasets", [])]
    assert "evals/questions_library.jsonl" in fitted_on and not any("holdout" in p for p in fitted_on)
    assert not any(p.endswith(("_fresh6.jsonl", "_fresh8.jsonl", "_fresh9.jsonl")) for p in fitted_on)  # scored only
