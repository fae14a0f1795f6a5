from __future__ import annotations

from pathlib import Path

import pytest

import notice_files as nf
from policyqa.corpus.load import SourceFile
from policyqa.corpus.readers import read_file
from policyqa.corpus.structure import parse_document
from policyqa.errors import UnreadableFileError

from notice_files import FUZHOU_TXT, files, pdf_file  # noqa: F401  (fixtures)


def test_pdf_text_matches_the_notice(pdf_file: Path) -> None:
    r = read_file(pdf_file)
    assert r.format == "pdf" and r.pages >= 3
    paragraphs = [ln.replace("**", "") for ln in nf.notice_lines(FUZHOU_TXT)]
    assert r.text.splitlines() == [p.replace(" ", "") if i == 2 else p for i, p in enumerate(paragraphs)]


def test_pdf_page_furniture_removed(pdf_file: Path) -> None:
    r = read_file(pdf_file)
    assert "—" not in "".join(ln for ln in r.text.splitlines() if len(ln) < 10)
    assert nf.RUNNING_HEADER not in r.text
    assert r.header == "福州市人民政府办公厅文件"  # the red 版头 line
    assert r.copy_to == nf.COPY_TO and r.printed_by == nf.PRINTED and "抄送" not in r.text


def test_pdf_provenance_has_page_numbers(pdf_file: Path) -> None:
    r = read_file(pdf_file)
    pages = [s.index for s in r.spans]
    assert pages[0] == 1 and pages == sorted(pages) and pages[-1] == r.pages
    last = r.spans[-1]
    assert r.text[last.start : last.end] == "（此件主动公开）"


def test_pdf_parses_like_its_txt_twin(pdf_file: Path) -> None:
    r = read_file(pdf_file)
    doc = parse_document(SourceFile("f", pdf_file, r.text, "0" * 64, "pdf"))
    assert (doc.meta.doc_number, doc.meta.date, doc.meta.issuer) == ("榕政办〔2023〕50号", "2023-07-03", "福州市人民政府办公厅")
    energy = next(c for c in doc.clauses if c.text.startswith("3. 未来能源"))
    assert energy.responsibility is not None and energy.responsibility.units == ("市工信局", "市发改委", "市科技局")


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="OCR") as exc:
        read_file(nf.scanned_pdf(tmp_path / "scan.pdf"))
    assert exc.value.status == 422


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    if nf.cjk_font() is None:
        pytest.skip("no CJK font to write a Chinese PDF")
    locked = nf.make_pdf(FUZHOU_TXT, tmp_path / "locked.pdf", password="secret")
    with pytest.raises(UnreadableFileError, match="encrypted"):
        read_file(locked)


def test_damaged_pdf(tmp_path: Path) -> None:
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    with pytest.raises(UnreadableFileError):
        read_file(p)


def test_a_number_broken_across_lines_is_joined_without_a_space() -> None:
    """「（48.」 at a line's end and 「50米）」 at the next: one number, 48.50 (a space is for words of Latin script)."""
    from policyqa.corpus.readers.pdf import _cjk_edge

    assert _cjk_edge("警戒水位（48.", "50米）") and _cjk_edge("增长12", "%")
    assert not _cjk_edge("the", "notice")


SYNTHETIC = Path(__file__).resolve().parents[3] / "evals" / "synthetic" / "corpus"


def test_a_ruled_task_table_across_pages_is_read_by_its_cells() -> None:
    """A 任务清单 drawn as a grid over four landscape pages: each row one task with its 牵头单位 and 责任单位 (the text
    layer alone interleaves the cells of a row's wrapped lines)."""
    r = read_file(SYNTHETIC / "jintang_yingshang_huanjing_renwu_qingdan_2025.pdf")
    doc = parse_document(SourceFile("t", SYNTHETIC / "t.pdf", r.text, "0" * 64, "pdf"))
    task = next(c for c in doc.clauses if c.text.startswith("水电气网联合报装："))
    assert "完成时限：2025年6月底前" in task.text
    assert task.responsibility is not None and task.responsibility.lead == ("市住房城乡建设局",)
    assert "金塘燃气公司" in task.responsibility.units
    assert sum(1 for c in doc.clauses if c.responsibility is not None) >= 30


def test_a_first_row_of_short_phrases_names_columns() -> None:
    """A table on the next page whose first row names columns starts a table of its own; one whose first row is a task
    runs on from the table before (and gets its header)."""
    from policyqa.corpus.readers.pdf import _names_columns

    assert _names_columns(["序号", "重点任务", "牵头单位", "完成时限"])
    assert not _names_columns(["7", "推行包容审慎监管", "对轻微违法行为依法不予处罚，建立清单", "市司法局", "2025年6月底前"])


def test_a_notice_set_in_two_columns_reads_as_the_same_paragraphs(tmp_path: Path) -> None:
    """A 政府公报 page sets a notice in two columns: read line by line across the page, the columns' lines interleave
    (「…市政府各」「度计划编制…部门、各直属机构：」); read column by column, the paragraphs are the notice's own."""
    if nf.cjk_font() is None:
        pytest.skip("no CJK font (install Debian's fonts-wqy-microhei) to write a Chinese PDF")
    two = read_file(nf.make_pdf(FUZHOU_TXT, tmp_path / "gazette.pdf", columns=2))
    one = read_file(nf.make_pdf(FUZHOU_TXT, tmp_path / "one.pdf"))
    assert two.text.splitlines() == one.text.splitlines()


def test_a_line_opening_an_article_after_a_closed_sentence_starts_a_paragraph() -> None:
    """Articles set flush left (no indent) after a full line: 「第七条」 opens a paragraph of its own."""
    from policyqa.corpus.readers.pdf import _ENDS, _OPENS

    assert _ENDS.search("配合市财政局开展绩效评价。") and _OPENS.match("第七条市发展改革委负责做好专项资金支持")
    assert not _OPENS.match("第十条规定处理") and not _OPENS.match("2.5亿元")
