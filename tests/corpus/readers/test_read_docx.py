from __future__ import annotations

from pathlib import Path

import pytest

import notice_files as nf
from notice_files import files  # noqa: F401  (fixture)
from policyqa.corpus.load import SourceFile
from policyqa.corpus.readers import read_bytes, read_file
from policyqa.corpus.structure import parse_document
from policyqa.errors import FileTooLargeError, UnreadableFileError


def _doc(path: Path):  # type: ignore[no-untyped-def]
    r = read_file(path)
    return r, parse_document(SourceFile(path.stem, path, r.text, "0" * 64, r.format))


def test_docx_reads_like_its_txt_twin(files: dict[str, Path]) -> None:
    r, doc = _doc(files["docx"])
    assert r.format == "docx"
    assert doc.meta.doc_number == "榕政办〔2023〕50号"
    assert doc.meta.title == "福州市人民政府办公厅关于加快培育发展未来产业的实施意见"
    assert doc.meta.date == "2023-07-03"
    energy = next(c for c in doc.clauses if c.text.startswith("3. 未来能源"))
    assert energy.responsibility is not None and energy.responsibility.units == ("市工信局", "市发改委", "市科技局")
    assert [s.path_str for s in doc.sections if s.level <= 1][:3] == ["一、指导思想", "二、发展目标", "三、发展重点"]


def test_docx_keeps_the_distribution_block_out_of_the_body(files: dict[str, Path]) -> None:
    r = read_file(files["docx"])
    assert r.copy_to.startswith("抄送：市委各部门") and r.printed_by == nf.PRINTED
    assert "抄送" not in r.text and "印发" not in r.text.splitlines()[-1]
    assert r.text.splitlines()[-1] == "（此件主动公开）"


def test_docx_provenance_points_at_paragraphs(files: dict[str, Path]) -> None:
    r = read_file(files["docx"])
    assert r.spans and all(r.text[s.start : s.end] for s in r.spans)
    assert {s.kind for s in r.spans} == {"paragraph"}
    assert r.text[r.spans[0].start : r.spans[0].end] == "福州市人民政府办公厅文件"


def test_task_table_becomes_responsibility_clauses(files: dict[str, Path]) -> None:
    r, doc = _doc(files["task_docx"])
    rows = [s for s in r.spans if s.kind == "table"]
    assert len(rows) == len(nf.TASK_TABLE) - 1
    line = r.text[rows[0].start : rows[0].end]
    assert line == "建设新一代光电产业链，攻克光电关键元器件及材料。完成时限：2025年底。（牵头单位：市工信局；责任单位：市发改委、市科技局）"
    clause = next(c for c in doc.clauses if c.text.startswith("建设福建人工智能计算中心"))
    assert clause.responsibility is not None
    assert clause.responsibility.units == ("市大数据委", "市科技局", "市工信局", "市发改委")
    assert "重点任务分工" in clause.section_path[-1]


def test_heading_style_without_numbering_becomes_a_heading(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("关于开展测试工作的通知", style="Title")
    d.add_paragraph("工作目标", style="Heading 1")
    d.add_paragraph("到2025年，完成全部测试任务。（责任单位：市科技局）")
    d.save(str(tmp_path / "n.docx"))
    r, doc = _doc(tmp_path / "n.docx")
    assert "# 工作目标" in r.text.splitlines()
    assert doc.clauses[-1].section_path == ("工作目标",)
    assert doc.clauses[-1].responsibility.units == ("市科技局",)  # type: ignore[union-attr]


def test_paragraphs_word_numbers_itself_are_headings_at_their_list_level(tmp_path: Path) -> None:
    """「一、」「（一）」 drawn by Word's automatic numbering are not in the paragraph text: a short numbered paragraph is a
    heading at its list level; a numbered sentence stays body text."""
    import docx

    d = docx.Document()
    d.add_paragraph("某市农村电商行动方案", style="Title")
    d.add_paragraph("主要任务", style="List Number")
    d.add_paragraph("完善公共服务体系", style="List Number 2")
    d.add_paragraph("建设县级电商公共服务中心2个。（牵头单位：市商务局）")
    d.add_paragraph("每年培训5000人次，培训合格的给予补贴。", style="List Number 2")
    d.save(str(tmp_path / "n.docx"))
    r, doc = _doc(tmp_path / "n.docx")
    assert "# 主要任务" in r.text.splitlines() and "## 完善公共服务体系" in r.text.splitlines()
    assert "每年培训5000人次，培训合格的给予补贴。" in r.text.splitlines()
    clause = next(c for c in doc.clauses if "公共服务中心" in c.text)
    assert clause.section_path == ("主要任务", "完善公共服务体系") and clause.responsibility.lead == ("市商务局",)  # type: ignore[union-attr]


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = nf.zip_bomb_docx(tmp_path / "bomb.docx")
    with pytest.raises(FileTooLargeError, match="zip bomb") as exc:
        read_file(bomb)
    assert exc.value.status == 413


def test_corrupt_docx(tmp_path: Path, files: dict[str, Path]) -> None:
    bad = nf.corrupt_docx(tmp_path / "bad.docx", files["docx"])
    with pytest.raises(UnreadableFileError, match="DOCX") as exc:
        read_file(bad)
    assert 400 <= exc.value.status < 500


def test_docx_without_text(tmp_path: Path) -> None:
    import io

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(UnreadableFileError, match="no text"):
        read_bytes(buf.getvalue(), "blank.docx")


SYNTHETIC = Path(__file__).resolve().parents[3] / "evals" / "synthetic" / "corpus"


def test_a_guide_laid_out_as_a_label_and_content_table() -> None:
    """An 办事指南 whose whole body is a 「事项名称 | …」「咨询电话 | 1.… 2.…」 table: each label a heading, each paragraph
    of a cell a line (two phone numbers on lines of their own never run into one)."""
    r = read_file(SYNTHETIC / "chengjiangwan_jianxi_butie_guide_2025.docx")
    lines = r.text.splitlines()
    assert "## 咨询电话" in lines and "1．市就业服务中心见习科：0597-86213360；" in lines
    doc = parse_document(SourceFile("j", SYNTHETIC / "j.docx", r.text, "0" * 64, "docx"))
    materials = next(c for c in doc.clauses if "花名册" in c.text)
    assert materials.section_path == ("申请材料",)


def test_a_masthead_set_in_a_one_row_table_gives_its_lines(tmp_path: Path) -> None:
    """Issuers, title, 文号 and date set in the two cells of a one-row table (a layout, not a table of data): each
    paragraph of a cell a line of its own, so the title, the 文号 and both issuers are found."""
    import docx

    d = docx.Document()
    cells = d.add_table(rows=1, cols=2).rows[0].cells
    cells[0].text = "某市住房和城乡建设局\n某市财政局"
    cells[0].add_paragraph("某市既有住宅加装电梯财政补贴实施细则")
    cells[1].text = "某建规〔2025〕3号"
    cells[1].add_paragraph("2025年4月8日印发")
    d.add_paragraph("第一条　为规范补贴资金管理，制定本细则。")
    d.save(str(tmp_path / "n.docx"))
    r, doc = _doc(tmp_path / "n.docx")
    assert r.text.splitlines()[:4] == ["某市住房和城乡建设局", "某市财政局", "某市既有住宅加装电梯财政补贴实施细则", "某建规〔2025〕3号"]
    assert doc.meta.title == "某市既有住宅加装电梯财政补贴实施细则" and doc.meta.doc_number == "某建规〔2025〕3号"
    assert doc.meta.issuer == "某市住房和城乡建设局、某市财政局"
