"""One scorer for candidate answer sentences: a weighted sum of named features, the weights fitted on the dev set.

Features combine what the issue asks for — dense similarity, lexical overlap and answer-type evidence (a quantity for
「多少」, a detail kind such as a phone number or a deadline, a duty sentence for 「谁负责」). ``policyqa fit-scorer``
fits the weights (a conditional logit: per question, a softmax over its candidates, the sentences holding the gold
evidence as positives) and stores them with the dataset's hash; ``POLICYQA_SENTENCE_SCORER=<that file>`` uses them,
the default is the hand-set weights below (chosen by end-to-end accuracy on the dev set).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from policyqa.errors import ConfigError

FEATURES: tuple[str, ...] = (
    "lexical",  # IDF-weighted share of the question's topic words in the sentence (and its clause title)
    "dense",  # cosine(question, sentence) - 0.8
    "rank",  # 1 / (rank of the passage + 1); 0 for sentences found library-wide
    "title",  # a topic word is in the clause's title
    "detail",  # the sentence holds the kind of detail asked (a phone number, an amount, a deadline …)
    "duty",  # a 「X部门负责…」 sentence for a responsibility question
    "kind",  # a quantity in the unit asked for 「多少」 / an inline 「A、B、C」 list for 「哪些」
    "numbers",  # numbers of the question found in the sentence
    "phrase",  # adjacent question-word pairs found as a phrase (capped)
    "focus",  # the noun after the question word (「什么原则」 -> 原则) is in the sentence
    "defines",  # 「X是哪个」 and the sentence says 「…是X」
    "chars",  # IDF-weighted share of the topic words' characters in the sentence (「欠债」 meets 「负债」 by 「债」)
)
HAND_WEIGHTS: dict[str, float] = {"lexical": 1.0, "dense": 4.0, "rank": 0.05, "title": 0.25, "detail": 0.4,
                                  "duty": 0.3, "kind": 1.0, "numbers": 0.1, "phrase": 1.0, "focus": 0.2, "defines": 0.3,
                                  "chars": 0.3}  # chars swept 0.2-0.7 end to end on the dev sets: 0.3-0.45 best


@dataclass(frozen=True)
class SentenceScorer:
    weights: np.ndarray  # aligned with FEATURES
    source: dict[str, Any] = field(default_factory=dict)  # how the weights were made (dataset, hash, metrics)

    def __post_init__(self) -> None:
        if self.weights.shape != (len(FEATURES),):
            raise ValueError(f"weights must have {len(FEATURES)} entries ({', '.join(FEATURES)}), got {self.weights.shape}")

    @classmethod
    def hand(cls) -> SentenceScorer:
        return cls(np.array([HAND_WEIGHTS[f] for f in FEATURES], dtype=np.float64), {"kind": "hand-set"})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentenceScorer:
        w = data["weights"]
        missing = [f for f in FEATURES if f not in w]
        if missing:
            raise ValueError(f"scorer weights lack {', '.join(missing)}")
        return cls(np.array([float(w[f]) for f in FEATURES], dtype=np.float64), {k: v for k, v in data.items() if k != "weights"})

    def to_dict(self) -> dict[str, Any]:
        return {**self.source, "features": list(FEATURES), "weights": {f: round(float(x), 6) for f, x in zip(FEATURES, self.weights)}}

    def score(self, features: np.ndarray) -> np.ndarray:
        return features @ self.weights


@lru_cache(maxsize=4)
def load_scorer(path: str | None = None) -> SentenceScorer:
    """Weights from ``path`` (written by ``policyqa fit-scorer``); None = the hand-set weights.

    The hand-set weights stay the default because they measured better end to end on the dev set (see
    ``evals/sentence_scorer_fitted.json`` and the README): the fitted ones rank the evidence sentence first more
    often, but the refusal checks read the chosen sentence, and more unanswerable questions then get an answer.
    """
    if not path:
        return SentenceScorer.hand()
    try:
        return SentenceScorer.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot read sentence scorer weights from {path}: {exc}") from exc


def default_scorer() -> SentenceScorer:
    return load_scorer(None)


def fit_conditional_logit(groups: list[tuple[np.ndarray, np.ndarray]], *, l2: float = 0.01, steps: int = 600,
                          lr: float = 0.05, init: np.ndarray | None = None) -> np.ndarray:
    """Weights maximising, per group (one question's candidates), the softmax mass on its positive rows (Adam).

    ``groups``: (features [n, d], positive mask [n]); groups without a positive or a negative carry no signal.
    """
    groups = [(x, y) for x, y in groups if y.any() and not y.all()]
    if not groups:
        raise ValueError("no question has both a candidate holding its evidence and one that does not")
    d = groups[0][0].shape[1]
    w = np.zeros(d) if init is None else init.astype(np.float64).copy()
    m = np.zeros(d)
    v = np.zeros(d)
    for t in range(1, steps + 1):
        grad = l2 * w
        for x, y in groups:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y / max((p * y).sum(), 1e-12)  # posterior over the positives
            grad += (x.T @ (p - q)) / len(groups)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def top1_accuracy(groups: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray) -> float:
    """Share of groups whose best-scored candidate is a positive."""
    usable = [(x, y) for x, y in groups if y.any()]
    return sum(bool(y[int(np.argmax(x @ w))]) for x, y in usable) / len(usable) if usable else 0.0


__all__ = ["FEATURES", "HAND_WEIGHTS", "SentenceScorer", "default_scorer", "load_scorer", "fit_conditional_logit", "top1_accuracy"]
