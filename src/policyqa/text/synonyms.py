"""Everyday words and the words policy documents use for them (data: ``policyqa/data/synonyms.json``)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, str], ...]:
    data = json.loads(resources.files("policyqa.data").joinpath("synonyms.json").read_text(encoding="utf-8"))
    return tuple(sorted(data["map"].items(), key=lambda kv: -len(kv[0])))


def expand_synonyms(text: str) -> str:
    """Formal words for everyday ones found in ``text`` (「AI」 -> 「人工智能」), space-joined; '' if none."""
    out = [formal for word, formal in _synonyms() if word in text and formal not in text]
    return " ".join(dict.fromkeys(out))


__all__ = ["expand_synonyms"]
