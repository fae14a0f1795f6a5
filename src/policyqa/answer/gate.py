"""The refusal gate of sentence answers: does the chosen evidence answer the question, or does the notice not say?

The hard checks (the kind of detail asked must be in the quoted sentence, a number or code the notice never writes)
stay rules in ``kinds/sentences.py``. What is left is a judgement on soft signals — how much of the question's topic
the evidence holds, how close it is in meaning — recorded as one ``GateFeatures`` and decided by one gate:

* ``HandGate``: the hand-set thresholds (``Thresholds``; coverage swept by ``policyqa calibrate``);
* ``FittedGate``: a logistic regression over the same features, fitted on dev question sets by
  ``policyqa fit-gate`` and stored as data (weights, feature scaling, threshold, the command and data it came from);
* ``RecordingGate``: never refuses and keeps the features it saw (what ``fit-gate`` collects its examples with).
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from policyqa.errors import ConfigError

DETAIL_SUPPORT = 0.4  # hand gate: share of the topic the detail's sentence must hold (swept 0.3-0.6 on the dev set)
# ... when that sentence states a number in the count unit asked (「提前多少天」 and 「至少30日」; 「多少家」 and 「20户」; never
# money, which close-sounding questions ask most): on the four dev sets 2 paraphrases gained, no unanswerable answered
UNIT_SUPPORT = 0.3


@dataclass(frozen=True, slots=True)
class GateFeatures:
    """Soft evidence for one question's chosen answer sentences (all in [0, 1] or cosines)."""

    coverage: float  # IDF-weighted share of the question's known topic words in the top two passages
    dense: float  # cosine of the question to the top passage
    support: float  # share of the topic words held by the chosen sentences (and their clause title)
    asked: float  # 1 if the question asks for a detail (amount, deadline, quantity …), else 0
    sentence_cos: float  # cosine of the question to the best sentence
    lexical: float  # the best sentence's lexical feature (topic words in it and its clause title)
    unknown: float  # share of the question's topic words the library never uses (the asker's own context)
    scoped: float  # 1 if the question named its notice (scope resolved before retrieval)
    unit_match: float = 0.0  # 1 if the question counts in a unit (多少家, not money) and the chosen sentences state one in it

    def vector(self) -> np.ndarray:
        return np.array(astuple(self), dtype=np.float64)


FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(GateFeatures))


@dataclass(frozen=True, slots=True)
class Verdict:
    refuse: bool
    reason: str = ""


class Gate(Protocol):
    def decide(self, f: GateFeatures, th: Any, asked_kind: str) -> Verdict: ...


class HandGate:
    """The hand-set thresholds, in the order they were introduced."""

    def decide(self, f: GateFeatures, th: Any, asked_kind: str) -> Verdict:
        if f.coverage < th.coverage and f.dense < th.dense_strong:
            return Verdict(True, f"low_coverage:{f.coverage:.2f}")
        if f.dense < th.dense_weak:
            return Verdict(True, f"low_similarity:{f.dense:.3f}")
        if f.asked and f.support < (UNIT_SUPPORT if f.unit_match else DETAIL_SUPPORT):
            return Verdict(True, f"detail_not_stated:{asked_kind}:support={f.support:.2f}")
        return Verdict(False)


@dataclass(frozen=True)
class FittedGate:
    """P(the evidence answers) = sigmoid(bias + weights · standardized features); refuse below ``threshold``."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    source: dict[str, Any]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P for each row of ``x`` ([n, len(FEATURE_NAMES)], the ``GateFeatures.vector()`` layout)."""
        z = self.bias + ((x - self.mean) / self.scale) @ self.weights
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def probability(self, f: GateFeatures) -> float:
        return float(self.probabilities(f.vector()[None, :])[0])

    def decide(self, f: GateFeatures, th: Any, asked_kind: str) -> Verdict:
        p = self.probability(f)
        return Verdict(True, f"gate:{p:.2f}") if p < self.threshold else Verdict(False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FittedGate:
        names = list(data["features"])
        if names != list(FEATURE_NAMES):
            raise ValueError(f"gate features {names} differ from this code's {list(FEATURE_NAMES)}")
        arr = lambda k: np.array([float(x) for x in data[k]], dtype=np.float64)  # noqa: E731
        w, mean, scale = arr("weights"), arr("mean"), arr("scale")
        if not (len(w) == len(mean) == len(scale) == len(names)) or (scale <= 0).any():
            raise ValueError("weights, mean and scale must have one positive-scale entry per feature")
        source = {k: v for k, v in data.items() if k not in ("weights", "mean", "scale", "bias", "threshold", "features")}
        return cls(w, float(data["bias"]), mean, scale, float(data["threshold"]), source)

    def to_dict(self) -> dict[str, Any]:
        return {**self.source, "features": list(FEATURE_NAMES),
                "weights": [round(float(x), 6) for x in self.weights], "bias": round(self.bias, 6),
                "mean": [round(float(x), 6) for x in self.mean], "scale": [round(float(x), 6) for x in self.scale],
                "threshold": round(self.threshold, 4)}


class RecordingGate:
    """Never refuses; keeps the last features it was asked about (one question at a time)."""

    def __init__(self) -> None:
        self.last: GateFeatures | None = None

    def decide(self, f: GateFeatures, th: Any, asked_kind: str) -> Verdict:
        self.last = f
        return Verdict(False)


@lru_cache(maxsize=4)
def load_gate(path: str | None = None) -> Gate:
    """The gate in ``path`` (written by ``policyqa fit-gate``); "fitted" = the one shipped in ``policyqa/data``
    (fitted on the dev sets); None, "" or "hand" = the hand-set thresholds."""
    if not path or path == "hand":
        return HandGate()
    try:
        if path == "fitted":
            text = resources.files("policyqa.data").joinpath("refusal_gate.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return FittedGate.from_dict(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read the refusal gate from {path}: {exc}") from exc


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 200) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """L2-regularized logistic regression by Newton's method on standardized features: (w, b, mean, scale)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    a = np.hstack([z, np.ones((len(z), 1))])
    theta = np.zeros(a.shape[1])
    reg = np.full(a.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ theta, -50, 50)))
        grad = a.T @ (p - y) + reg * theta
        hess = (a.T * (p * (1 - p))) @ a + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1]), mean, scale


__all__ = ["DETAIL_SUPPORT", "UNIT_SUPPORT", "FEATURE_NAMES", "FittedGate", "Gate", "GateFeatures", "HandGate", "RecordingGate",
           "Verdict", "fit_logistic", "load_gate"]
