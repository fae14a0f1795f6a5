"""Plain text and Markdown: read as today (UTF-8, else GB18030)."""

from __future__ import annotations

from policyqa.corpus.readers.base import ReadResult, decode_text


def read(data: bytes, name: str = "", fmt: str = "txt") -> ReadResult:
    return ReadResult(text=decode_text(data, name), format=fmt)
