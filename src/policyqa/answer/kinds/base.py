"""The one small interface every kind of answer has."""

from __future__ import annotations

from typing import Any

import numpy as np

from policyqa.answer.classify import QueryInfo
from policyqa.answer.context import AnswerContext
from policyqa.retrieve.hybrid import Ranked
from policyqa.types import Answer


class Kind:
    """One kind of answer. ``answer`` returns None when this kind cannot answer, so the router tries the next.

    A kind reads the shared context (index, clause/section maps, term weights, quoting) as if it were its own.
    """

    name = "kind"

    def __init__(self, ctx: AnswerContext) -> None:
        self.ctx = ctx

    def __getattr__(self, name: str) -> Any:  # the shared context's fields and helpers
        return getattr(self.ctx, name)

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        raise NotImplementedError
