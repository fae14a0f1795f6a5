"""Readers for the files governments publish: plain text / Markdown, DOCX, PDF (with a text layer) and portal HTML.

Every reader turns bytes into the same plain text the 公文 parser takes (one paragraph a line) plus the metadata
and provenance it found. The format is decided from the content (magic bytes), never from the file name.
"""

from __future__ import annotations

from pathlib import Path

from policyqa.corpus.readers.base import FORMATS, ReadResult, SourceSpan, sniff
from policyqa.errors import UnreadableFileError

__all__ = ["FORMATS", "ReadResult", "SourceSpan", "read_bytes", "read_file", "sniff"]


def read_bytes(data: bytes, name: str = "") -> ReadResult:
    """Read one file's content; ``name`` only tells .md from .txt and goes into messages."""
    fmt = sniff(data, name)
    if fmt == "docx":
        from policyqa.corpus.readers import docx

        return docx.read(data, name)
    if fmt == "pdf":
        from policyqa.corpus.readers import pdf

        return pdf.read(data, name)
    if fmt == "html":
        from policyqa.corpus.readers import html

        return html.read(data, name)
    from policyqa.corpus.readers import text

    return text.read(data, name, fmt)


def read_file(path: Path) -> ReadResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"无法读取文件 {path.name} / cannot read {path.name}: {exc.strerror}") from exc
    return read_bytes(data, path.name)
