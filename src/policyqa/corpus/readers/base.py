"""The reader interface: ``ReadResult`` and format sniffing from magic bytes."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from policyqa.errors import UnreadableFileError, UnsupportedFormatError

FORMATS = ("txt", "md", "docx", "pdf", "html")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where a stretch of ``ReadResult.text`` came from: a PDF page, a DOCX paragraph or table row."""

    start: int
    end: int
    kind: str  # "page" | "paragraph" | "table" | "line"
    index: int  # page number (1-based); paragraph / table index in the body (0-based)
    row: int = -1  # table row, -1 for non-table spans


@dataclass(frozen=True, slots=True)
class ReadResult:
    text: str  # one paragraph a line, as the 公文 parser takes it
    format: str  # one of FORMATS
    title: str = ""  # metadata found outside the body (HTML page fields, DOCX core properties)
    doc_number: str = ""  # 文号
    published: str = ""  # 发布日期 on a portal page, ISO yyyy-mm-dd
    issuer: str = ""  # 发文机关 field of a portal page
    header: str = ""  # the red 版头 line (PDF)
    copy_to: str = ""  # 抄送 line, kept out of the body
    printed_by: str = ""  # 「… 2023年7月5日印发」 line, kept out of the body
    spans: tuple[SourceSpan, ...] = ()
    pages: int = 0

    @property
    def metadata(self) -> dict[str, str]:
        keys = ("title", "doc_number", "published", "issuer", "header", "copy_to", "printed_by")
        return {k: getattr(self, k) for k in keys if getattr(self, k)}


def sniff(data: bytes, name: str = "") -> str:
    """The format of ``data`` from its first bytes; raises UnsupportedFormatError / UnreadableFileError."""
    shown = name or "file"
    if not data.strip():
        raise UnreadableFileError(f"文件为空：{shown} / the file {shown} is empty")
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise UnreadableFileError(f"DOCX 文件已损坏：{shown} / {shown} is a damaged ZIP/DOCX file ({exc})") from exc
        if "word/document.xml" in names:
            return "docx"
        raise UnsupportedFormatError(f"不支持的文件类型：{shown} 是 ZIP 压缩包而不是 DOCX / unsupported type: {shown} is a "
                                     f"ZIP archive but not a Word .docx document")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormatError(f"不支持旧版 .doc/.wps 格式：请另存为 .docx 后上传 / {shown} is an old binary Word "
                                     f"(.doc) file: save it as .docx and upload that")
    if _HTML_START.match(head):
        return "html"
    if b"\x00" in data[:4096]:
        raise UnsupportedFormatError(f"不支持的文件类型：{shown}（可上传 .txt .md .docx .pdf .html）/ unsupported "
                                     f"type: {shown} is binary; send .txt, .md, .docx, .pdf or .html")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return "md" if name.lower().endswith((".md", ".markdown")) else "txt"
    raise UnsupportedFormatError(f"不支持的文件类型：{shown} 既不是文本也不是 DOCX/PDF/HTML / unsupported type: {shown} "
                                 f"is neither UTF-8/GB18030 text nor DOCX, PDF or HTML")


def decode_text(data: bytes, name: str = "") -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(f"{name or 'file'} is neither UTF-8 nor GB18030 text / 文件编码不是 UTF-8 或 GB18030")


def assemble(parts: list[tuple[str, str, int, int]]) -> tuple[str, tuple[SourceSpan, ...]]:
    """Join (line, kind, index, row) parts one a line; spans record where each came from."""
    lines, spans, pos = [], [], 0
    for line, kind, index, row in parts:
        lines.append(line)
        spans.append(SourceSpan(pos, pos + len(line), kind, index, row))
        pos += len(line) + 1
    return "\n".join(lines), tuple(spans)
