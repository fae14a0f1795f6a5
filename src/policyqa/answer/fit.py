"""``policyqa fit-scorer``: fit the sentence scorer's weights on a dev question set and store them as data.

Labels come from the set's gold evidence: a candidate sentence that contains an evidence string is a positive.
The report gives top-1 candidate accuracy with the hand-set and the fitted weights, in-sample and 5-fold
cross-validated by question, so the gain can be judged on questions the weights did not see.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

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


def fit_scorer(assistant: Any, questions_path: Path, out: Path, *, l2: float = 0.0, steps: int = 1500) -> dict[str, Any]:
    from policyqa.evaluate import load_questions

    qset = load_questions(questions_path)
    groups = collect_groups(assistant, qset.questions)
    hand = SentenceScorer.hand()
    w = fit_conditional_logit(groups, l2=l2, steps=steps, init=hand.weights)
    # the answer logic reads score gaps (a neighbouring sentence within 0.08 of the best joins the answer): keep the
    # spread of scores within a question what it is with the hand-set weights; the ranking is unchanged
    w = w * (_spread(groups, hand.weights) / _spread(groups, w))
    report = {
        "kind": "fitted",
        "command": f"policyqa fit-scorer --questions {questions_path}",
        "dataset": {"path": str(questions_path), "sha256": qset.sha256, "questions": len(qset.questions),
                    "groups": len(groups), "with_positive": sum(bool(y.any()) for _, y in groups)},
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


__all__ = ["collect_groups", "cross_validated_top1", "fit_scorer"]
