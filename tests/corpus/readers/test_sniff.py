from __future__ import annotations

import pytest

import notice_files as nf
from notice_files import files  # noqa: F401  (fixture)
from policyqa.corpus.readers import read_bytes, sniff
from policyqa.errors import UnreadableFileError, UnsupportedFormatError


def test_type_comes_from_the_content_not_the_name(files) -> None:  # type: ignore[no-untyped-def]
    assert sniff(files["docx"].read_bytes(), "notice.pdf") == "docx"
    assert sniff(files["html"].read_bytes(), "notice.txt") == "html"
    assert sniff("一、总体要求".encode(), "a.md") == "md"
    assert sniff("一、总体要求".encode("gb18030"), "a.pdf") == "txt"


@pytest.mark.parametrize(("data", "error", "status"), [
    (b"", UnreadableFileError, 422),
    (b"  \n\n ", UnreadableFileError, 422),
    (nf.PNG, UnsupportedFormatError, 415),
    (nf.OLD_DOC, UnsupportedFormatError, 415),
    (b"PK\x03\x04" + b"\0" * 100, UnreadableFileError, 422),
])
def test_bad_content(data: bytes, error: type, status: int) -> None:
    with pytest.raises(error) as exc:
        read_bytes(data, "x.docx")
    assert exc.value.status == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message) and any(ch.isascii() and ch.isalpha() for ch in exc.value.message)


def test_plain_zip_is_not_a_docx(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    p = tmp_path / "a.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(UnsupportedFormatError):
        read_bytes(p.read_bytes(), "a.docx")
