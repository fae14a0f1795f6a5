"""The sentence scorer: named features, hand-set weights by default, a conditional logit that can be fitted."""

from __future__ import annotations

import json

import numpy as np
import pytest

from policyqa.answer.scorer import FEATURES, HAND_WEIGHTS, SentenceScorer, fit_conditional_logit, load_scorer, top1_accuracy
from policyqa.errors import ConfigError


def _groups(seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Questions whose evidence sentence is the one with the highest 'lexical' feature; 'dense' is noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(40):
        x = rng.normal(size=(6, len(FEATURES)))
        y = np.zeros(6, dtype=bool)
        y[int(np.argmax(x[:, FEATURES.index("lexical")]))] = True
        out.append((x, y))
    return out


def test_fitting_learns_which_feature_marks_the_evidence() -> None:
    groups = _groups()
    w = fit_conditional_logit(groups, steps=400)
    assert top1_accuracy(groups, w) == 1.0
    assert w[FEATURES.index("lexical")] > 3 * abs(w[FEATURES.index("dense")])
    assert top1_accuracy(_groups(seed=1), w) >= 0.85  # and mostly holds on groups it did not see


def test_groups_without_signal_are_refused() -> None:
    x = np.ones((3, len(FEATURES)))
    with pytest.raises(ValueError):
        fit_conditional_logit([(x, np.zeros(3, dtype=bool)), (x, np.ones(3, dtype=bool))])


def test_weights_round_trip_and_hand_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    hand = load_scorer(None)
    assert dict(zip(FEATURES, hand.weights)) == HAND_WEIGHTS
    path = tmp_path / "w.json"
    path.write_text(json.dumps(SentenceScorer(hand.weights * 2, {"kind": "test"}).to_dict()), encoding="utf-8")
    assert np.allclose(load_scorer(str(path)).weights, hand.weights * 2)
    path.write_text('{"weights": {"lexical": 1}}', encoding="utf-8")
    load_scorer.cache_clear()
    with pytest.raises(ConfigError):
        load_scorer(str(path))


@pytest.mark.slow
def test_fit_scorer_pools_several_dev_sets_and_names_each(assistant, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    from pathlib import Path

    from policyqa.answer.fit import fit_scorer

    evals = Path(__file__).parents[2] / "evals"
    lines = (evals / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(lines[:60]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[60:120]) + "\n", encoding="utf-8")
    out = tmp_path / "scorer.json"
    report = fit_scorer(assistant, [first, second], out, steps=50)
    assert [d["path"] for d in report["datasets"]] == [str(first), str(second)]
    assert all(0 < d["groups"] <= 60 and d["with_positive"] <= d["groups"] for d in report["datasets"])
    assert report["command"] == f"policyqa fit-scorer --questions {first} --questions {second}"
    assert 0.0 <= report["top1_fitted_cross_validated_5fold"] <= 1.0
    assert load_scorer(str(out)).weights.shape == (len(FEATURES),)
    assert json.loads(out.read_text(encoding="utf-8"))["datasets"] == report["datasets"]
