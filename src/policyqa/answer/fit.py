"""``policyqa fit-scorer``: fit the sentence scorer's weights on a dev question set and store them as data.

Labels come from the set's gold evidence: a candidate sentence that contains an evidence string is a positive.
The report gives top-1 candidate accuracy with the hand-set and the fitted weights, in-sample and 5-fold
cross-validated by question, so the gain can be judged on questions the weights did not see.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from policyqa.answer.scorer import SentenceScorer, fit_conditional_logit, top1_accuracy

log = logging.getLogger(__name__)


def collect_groups(assistant: Any, questions: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (features, positive mask) group per answerable question with evidence."""
    from policyqa.evaluate import match_key

    groups = []
    for q in questions:
        if not q.answerable or not q.evidence:
            continue
        cands = assistant.sentence_candidates(q.question, q.history_dicts())
        if not cands:
            continue
        keys = [match_key(e) for e in q.evidence]
        x = np.array([f for _, f in cands], dtype=np.float64)
        y = np.array([any(k in match_key(text) for k in keys) for text, _ in cands])
        groups.append((x, y))
    return groups


def _spread(groups: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray) -> float:
    return float(np.mean([np.std(x @ w) for x, _ in groups if len(x) > 1])) or 1.0


def cross_validated_top1(groups: list[tuple[np.ndarray, np.ndarray]], folds: int = 5, **fit_kw: Any) -> float:
    hits = total = 0
    for k in range(folds):
        train = [g for i, g in enumerate(groups) if i % folds != k]
        test = [g for i, g in enumerate(groups) if i % folds == k and g[1].any()]
        w = fit_conditional_logit(train, **fit_kw)
        hits += round(top1_accuracy(test, w) * len(test))
        total += len(test)
    return hits / total if total else 0.0


def _pooled(paths: list[Path], collect: Callable[[Any], list[Any]],
            describe: Callable[[list[Any]], dict[str, Any]] = lambda found: {}) -> tuple[list[Any], list[dict[str, Any]]]:
    """What ``collect`` draws from each question set, pooled, and one record per set (path, hash, size, ``describe``)."""
    from policyqa.evaluate import load_questions

    items: list[Any] = []
    datasets = []
    for path in paths:
        qset = load_questions(path)
        found = collect(qset.questions)
        items += found
        datasets.append({"path": str(path), "sha256": qset.sha256, "questions": len(qset.questions), **describe(found)})
    return items, datasets


def fit_scorer(assistant: Any, questions_paths: list[Path], out: Path, *, l2: float = 0.0, steps: int = 1500) -> dict[str, Any]:
    groups, datasets = _pooled(questions_paths, lambda qs: collect_groups(assistant, qs), lambda found: {
        "groups": len(found), "with_positive": sum(bool(y.any()) for _, y in found)})
    hand = SentenceScorer.hand()
    w = fit_conditional_logit(groups, l2=l2, steps=steps, init=hand.weights)
    # the answer logic reads score gaps (a neighbouring sentence within 0.08 of the best joins the answer): keep the
    # spread of scores within a question what it is with the hand-set weights; the ranking is unchanged
    w = w * (_spread(groups, hand.weights) / _spread(groups, w))
    report = {
        "kind": "fitted",
        "command": "policyqa fit-scorer " + " ".join(f"--questions {p}" for p in questions_paths),
        "datasets": datasets,
        "model": f"conditional logit (softmax over each question's candidate sentences), L2 {l2}, {steps} Adam steps "
                 "from the hand-set weights",
        "top1_hand": round(top1_accuracy(groups, hand.weights), 4),
        "top1_fitted_in_sample": round(top1_accuracy(groups, w), 4),
        "top1_fitted_cross_validated_5fold": round(cross_validated_top1(groups, l2=l2, steps=steps, init=hand.weights), 4),
        "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    scorer = SentenceScorer(w, report)
    out.write_text(json.dumps(scorer.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s", out)
    return scorer.to_dict()


# ---------------------------------------------------------------------------------------------------- refusal gate
def collect_gate_examples(assistant: Any, questions: Any) -> list[dict[str, Any]]:
    """Each question asked with the gate open (``RecordingGate``): its soft features where the sentence path reached
    the gate, and whether the answer it then gives is right. Questions a hard check refuses, or another kind of answer
    takes, never reach the gate and carry no example."""
    from policyqa.answer.gate import RecordingGate
    from policyqa.evaluate import InProcessSystem, judge, load_reference

    ref = load_reference(assistant.settings)
    kind = assistant.composer.fallback
    rec, kept = RecordingGate(), kind.gate
    kind.gate = rec
    system = InProcessSystem(assistant)
    rows = []
    try:
        for q in questions:
            rec.last = None
            o = system.ask(q)
            if rec.last is None:
                continue
            j = judge(q, o, ref.aliases, ref.documents)
            rows.append({"id": q.id, "type": q.type, "answerable": q.answerable, "correct_if_answered": j.correct,
                         "features": rec.last.vector().tolist()})
    finally:
        kind.gate = kept
    return rows


def _gate_outcomes(refuse: np.ndarray, rows: list[dict[str, Any]], unanswerable_weight: float = 1.0) -> dict[str, Any]:
    """What a gate's refusals do to the score: right answers kept or lost, unanswerable questions refused or not; the
    score counts an unanswerable question refused ``unanswerable_weight`` times (an invented answer costs more than a
    refusal)."""
    good = np.array([r["answerable"] and r["correct_if_answered"] for r in rows], dtype=bool)
    unans = np.array([not r["answerable"] for r in rows], dtype=bool)
    return {"right_answers_kept": int((good & ~refuse).sum()), "right_answers_refused": int((good & refuse).sum()),
            "unanswerable_refused": int((unans & refuse).sum()), "unanswerable_answered": int((unans & ~refuse).sum()),
            "score": float((good & ~refuse).sum() + unanswerable_weight * (unans & refuse).sum())}


def _fit_gate(x: np.ndarray, rows: list[dict[str, Any]], l2: float, source: dict[str, Any] | None = None,
              unanswerable_weight: float = 1.0) -> Any:
    """A ``FittedGate``: logistic regression for "the evidence answers" (a right answer is 1; unanswerable and wrong
    answers are 0), then the probability threshold that maximizes right answers kept plus unanswerable questions refused."""
    from policyqa.answer.gate import FittedGate, fit_logistic

    y = np.array([r["answerable"] and r["correct_if_answered"] for r in rows], dtype=np.float64)
    w, b, mean, scale = fit_logistic(x, y, l2=l2)
    gate = FittedGate(w, b, mean, scale, 0.0, {})
    return replace(gate, threshold=_best_threshold(gate, x, rows, unanswerable_weight), source=source or {})


def _best_threshold(gate: Any, x: np.ndarray, rows: list[dict[str, Any]], unanswerable_weight: float) -> float:
    """The probability threshold that maximizes right answers kept plus ``unanswerable_weight`` x unanswerable refused
    (the lowest of equals)."""
    p = gate.probabilities(x)
    return float(max(np.linspace(0.05, 0.95, 91), key=lambda t: (_gate_outcomes(p < t, rows, unanswerable_weight)["score"], -t)))


def fit_gate(assistant: Any, questions_paths: list[Path], out: Path, *, l2: float = 3.0, folds: int = 5,
             unanswerable_weight: float = 1.0, threshold_paths: list[Path] | None = None) -> dict[str, Any]:
    """Fit the refusal gate on dev sets; report it against the hand-set thresholds on the same examples, in sample and
    cross-validated (``folds`` folds by question), and write it to ``out`` (use with ``POLICYQA_REFUSAL_GATE``).

    ``threshold_paths``: other dev sets on which the threshold is chosen for the weights fitted on ``questions_paths``
    — a threshold chosen on the examples the weights were fitted on sits where those examples happen to split (measured:
    in sample it refused twice the unanswerable questions it refused on sets it had not seen, at twice the loss)."""
    from policyqa.answer.gate import FEATURE_NAMES, GateFeatures, HandGate

    rows, datasets = _pooled(questions_paths, lambda qs: collect_gate_examples(assistant, qs))
    if not any(not r["answerable"] for r in rows) or not any(r["correct_if_answered"] for r in rows):
        raise ValueError("the gate needs both unanswerable questions and right answers that reach it")
    x = np.array([r["features"] for r in rows], dtype=np.float64)
    hand, th = HandGate(), assistant.composer.th
    hand_refuse = np.array([hand.decide(GateFeatures(*f), th, "").refuse for f in x.tolist()], dtype=bool)
    cv_refuse = np.zeros(len(rows), dtype=bool)
    for k in range(folds):
        test = np.arange(len(rows)) % folds == k
        train_rows = [r for r, t in zip(rows, test) if not t]
        fold = _fit_gate(x[~test], train_rows, l2, unanswerable_weight=unanswerable_weight)
        cv_refuse[test] = fold.probabilities(x[test]) < fold.threshold
    fitted = _fit_gate(x, rows, l2, unanswerable_weight=unanswerable_weight)
    report: dict[str, Any] = {}
    if threshold_paths:
        t_rows, t_datasets = _pooled(threshold_paths, lambda qs: collect_gate_examples(assistant, qs))
        tx = np.array([r["features"] for r in t_rows], dtype=np.float64)
        t_hand = np.array([hand.decide(GateFeatures(*f), th, "").refuse for f in tx.tolist()], dtype=bool)
        in_sample_t = fitted.threshold
        fitted = replace(fitted, threshold=_best_threshold(fitted, tx, t_rows, unanswerable_weight))
        report = {"threshold_datasets": t_datasets,
                  "threshold_examples": {"reached_the_gate": len(t_rows), "unanswerable": sum(not r["answerable"] for r in t_rows),
                                         "right_answers": sum(r["answerable"] and r["correct_if_answered"] for r in t_rows)},
                  "threshold_in_sample": round(in_sample_t, 4),
                  "threshold_sets_hand_set": _gate_outcomes(t_hand, t_rows, unanswerable_weight),
                  "threshold_sets_in_sample_threshold": _gate_outcomes(fitted.probabilities(tx) < in_sample_t, t_rows, unanswerable_weight),
                  "threshold_sets_chosen_threshold": _gate_outcomes(fitted.probabilities(tx) < fitted.threshold, t_rows, unanswerable_weight)}
    in_sample = fitted.probabilities(x) < fitted.threshold
    command = "policyqa fit-gate " + " ".join(f"--questions {p}" for p in questions_paths) \
        + "".join(f" --threshold-questions {p}" for p in threshold_paths or ()) \
        + f" --l2 {l2:g} --unanswerable-weight {unanswerable_weight:g}"
    gate = replace(fitted, source={
        "kind": "fitted",
        "command": command,
        "datasets": datasets,
        "examples": {"reached_the_gate": len(rows), "unanswerable": sum(not r["answerable"] for r in rows),
                     "right_answers": sum(r["answerable"] and r["correct_if_answered"] for r in rows)},
        "model": f"logistic regression on standardized features, L2 {l2}; threshold maximizing right answers kept "
                 f"plus {unanswerable_weight:g} x unanswerable questions refused"
                 + (" on the threshold sets" if threshold_paths else ""),
        "hand_set": _gate_outcomes(hand_refuse, rows, unanswerable_weight),
        "fitted_in_sample": _gate_outcomes(in_sample, rows, unanswerable_weight),
        f"fitted_cross_validated_{folds}fold": _gate_outcomes(cv_refuse, rows, unanswerable_weight),
        **report,
        "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })
    out.write_text(json.dumps(gate.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s (features: %s)", out, ", ".join(FEATURE_NAMES))
    return gate.to_dict()


__all__ = ["collect_gate_examples", "collect_groups", "cross_validated_top1", "fit_gate", "fit_scorer"]
