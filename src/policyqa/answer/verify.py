"""Provenance check: a citation survives only if its text is the exact span of its document."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from policyqa.corpus.provenance import origin_at
from policyqa.types import Answer, Citation, Document

log = logging.getLogger(__name__)


def verify_citations(answer: Answer, documents: Mapping[str, Document]) -> Answer:
    good: list[Citation] = []
    for c in answer.citations:
        doc = documents.get(c.doc_id)
        if doc is None or doc.text[c.start : c.end] != c.text or not c.text:
            log.error("dropping unverifiable citation %s [%s:%s]", c.doc_id, c.start, c.end)
            continue
        good.append(replace(c, id=len(good) + 1, origin=origin_at(doc.origins, c.start, c.end)))
    return replace(answer, citations=tuple(good))
