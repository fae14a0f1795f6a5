"""公文 structure on the real documents: page-break repair, the heading tree, metadata, clause spans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policyqa.corpus.load import SourceFile, read_sources
from policyqa.corpus.structure import PREAMBLE, parse_document
from policyqa.types import Document
from conftest import CORPUS, TEST_DATA

ENERGY_PATH = "三、发展重点 > （二）推动重点产业倍增发展 > 3. 未来能源"


def _parse(path: Path) -> Document:
    (src,) = read_sources(path)  # a single file is a corpus of one
    return parse_document(src)


@pytest.fixture(scope="module")
def notice() -> Document:
    return parse_document(read_sources(CORPUS)[0])


@pytest.fixture(scope="module")
def investment() -> Document:
    return _parse(TEST_DATA / "guangan_gov_investment_measures_2023.txt")


@pytest.fixture(scope="module")
def gongga() -> Document:
    return _parse(TEST_DATA / "guangan_manufacturing_gongga_2022.txt")


def _parse_text(path: Path, text: str) -> Document:
    """A notice written to ``path`` (alone in its folder) and parsed as the library would."""
    path.write_text(text, encoding="utf-8")
    return _parse(path)


def _clause_with(doc: Document, needle: str):  # type: ignore[no-untyped-def]
    found = [c for c in doc.clauses if needle in c.text]
    assert len(found) == 1, f"{needle!r} in {len(found)} clauses"
    return found[0]


# ============================================================================ page-break repair
@pytest.mark.parametrize(
    ("joined", "broken_tail"),
    [
        ("强化原始创新和颠覆性创新", "强化原始创新"),
        ("推动成立电化学实验室", "推动成立"),
        ("一份龙头企业和“隐形冠军”企业清单", "对应一份"),
        ("确定性网络、云网融合等环节", "确定性网络、"),
        ("打造虚实空间泛在智联的统一网络", "虚实空间泛在"),
        ("未来工厂、未来医院、未来商业", "未来工厂、"),
        ("光学镜头、LED 等产业链", "LED 等"),
        ("省集成电路设计中心（ICC）", "省集成"),
        ("利用北斗网格码、空间信息大数据等技术", "北斗网格码、"),
        ("引育一批国际一流的未来产业创新领军人才", "引育"),
    ],
)
def test_page_breaks_are_repaired_in_the_notice(notice: Document, joined: str, broken_tail: str) -> None:
    assert joined in notice.text
    assert f"{broken_tail}\n" not in notice.text
    # the joined phrase sits inside one clause, not across two
    assert any(joined in c.text for c in notice.clauses)


def test_lone_responsibility_line_closes_the_clause_before_the_break(notice: Document) -> None:
    clause = _clause_with(notice, "四是建立“揭榜挂帅”制度")
    note = "（责任单位：市科技局、市发改委、市工信局、市大数据委、市教育局）"
    assert clause.text.endswith("推动研发活动产业化。" + note)
    assert clause.section_path == ("四、重点任务", "（二）以平台建设促进科技创新")
    assert not any(c.text.startswith("（责任单位") for c in notice.clauses)


# ============================================================================ section tree
EXPECTED_NOTICE_SECTIONS = [
    (1, "一、指导思想"),
    (1, "二、发展目标"),
    (1, "三、发展重点"),
    (2, "三、发展重点 > （一）推动前沿新材料产业跨越发展"),
    (2, "三、发展重点 > （二）推动重点产业倍增发展"),
    (3, "三、发展重点 > （二）推动重点产业倍增发展 > 1. 新一代光电"),
    (3, "三、发展重点 > （二）推动重点产业倍增发展 > 2. 自主人工智能"),
    (3, ENERGY_PATH),
    (3, "三、发展重点 > （二）推动重点产业倍增发展 > 4. 深海空天开发"),
    (3, "三、发展重点 > （二）推动重点产业倍增发展 > 5. 元宇宙"),
    (3, "三、发展重点 > （二）推动重点产业倍增发展 > 6. 未来医疗"),
    (2, "三、发展重点 > （三）推动前瞻性产业创新发展"),
    (3, "三、发展重点 > （三）推动前瞻性产业创新发展 > 1. 量子科技"),
    (3, "三、发展重点 > （三）推动前瞻性产业创新发展 > 2. 未来网络"),
    (1, "四、重点任务"),
    (2, "四、重点任务 > （一）以龙头扶引带动产业发展"),
    (2, "四、重点任务 > （二）以平台建设促进科技创新"),
    (2, "四、重点任务 > （三）以场景建设打造试点示范"),
    (2, "四、重点任务 > （四）以载体建设引领产业集聚"),
    (1, "五、保障措施"),
    (2, "五、保障措施 > （一）细化行动方案"),
    (2, "五、保障措施 > （二）加大政策支持"),
    (2, "五、保障措施 > （三）营造发展氛围"),
]


def test_every_heading_of_the_notice_is_found_with_its_level_and_path(notice: Document) -> None:
    assert [(s.level, s.path_str) for s in notice.sections] == EXPECTED_NOTICE_SECTIONS


def test_top_level_headings(notice: Document) -> None:
    tops = [s for s in notice.sections if s.level == 1]
    assert [(s.marker, s.title) for s in tops] == [
        ("一、", "指导思想"), ("二、", "发展目标"), ("三、", "发展重点"), ("四、", "重点任务"), ("五、", "保障措施"),
    ]
    assert all(s.parent_id is None for s in tops)


def _children(doc: Document, path: str) -> list:  # type: ignore[type-arg]
    parent = next(s for s in doc.sections if s.path_str == path)
    return [s for s in doc.sections if s.parent_id == parent.id]


def test_children_of_fazhan_zhongdian(notice: Document) -> None:
    kids = _children(notice, "三、发展重点")
    assert [(k.level, k.marker) for k in kids] == [(2, "（一）"), (2, "（二）"), (2, "（三）")]
    doubled = _children(notice, "三、发展重点 > （二）推动重点产业倍增发展")
    assert [(k.level, k.marker, k.title) for k in doubled] == [
        (3, "1.", "新一代光电"), (3, "2.", "自主人工智能"), (3, "3.", "未来能源"),
        (3, "4.", "深海空天开发"), (3, "5.", "元宇宙"), (3, "6.", "未来医疗"),
    ]
    forward = _children(notice, "三、发展重点 > （三）推动前瞻性产业创新发展")
    assert [(k.level, k.marker, k.title) for k in forward] == [(3, "1.", "量子科技"), (3, "2.", "未来网络")]


def test_run_in_headings_get_their_title(notice: Document) -> None:
    """「（一）细化行动方案。依托…」: heading and body share one paragraph."""
    guarantees = _children(notice, "五、保障措施")
    assert [(k.marker, k.title, k.label) for k in guarantees] == [
        ("（一）", "细化行动方案", "（一）细化行动方案"),
        ("（二）", "加大政策支持", "（二）加大政策支持"),
        ("（三）", "营造发展氛围", "（三）营造发展氛围"),
    ]
    tasks = _children(notice, "四、重点任务")
    assert [k.title for k in tasks] == ["以龙头扶引带动产业发展", "以平台建设促进科技创新", "以场景建设打造试点示范", "以载体建设引领产业集聚"]
    clause = _clause_with(notice, "依托产业链工作机制")
    assert clause.heading == "细化行动方案"
    assert clause.text.startswith("（一）细化行动方案。依托产业链工作机制")


def test_energy_path_string(notice: Document) -> None:
    sec = next(s for s in notice.sections if s.title == "未来能源")
    assert sec.path_str == ENERGY_PATH
    assert sec.label == "3. 未来能源"
    clause = _clause_with(notice, "燃料电池关键材料")
    assert " > ".join(clause.section_path) == ENERGY_PATH
    assert clause.section_id == sec.id


def test_section_spans_nest_and_start_at_their_heading(notice: Document) -> None:
    by_id = {s.id: s for s in notice.sections}
    for s in notice.sections:
        assert notice.text[s.start:].startswith(s.marker), s.path_str
        assert s.start < s.end <= len(notice.text)
        if s.parent_id is not None:
            p = by_id[s.parent_id]
            assert p.path == s.path[:-1]
            assert p.start < s.start and s.end <= p.end


def test_no_section_title_is_empty_where_the_source_has_one(notice: Document, gongga: Document) -> None:
    for doc in (notice, gongga):
        for s in doc.sections:
            assert s.title, f"{doc.doc_id}: {s.marker} has no title"
            assert s.label.endswith(s.title)


def test_clause_spans_point_into_the_normalized_text(notice: Document, investment: Document, gongga: Document) -> None:
    for doc in (notice, investment, gongga):
        prev_end = -1
        for c in doc.clauses:
            assert doc.text[c.start:c.end] == c.text, c.id
            assert c.start > prev_end, c.id
            prev_end = c.end
            if c.responsibility is not None:
                r = c.responsibility
                assert doc.text[r.start:r.end] == r.text
                assert c.start <= r.start < r.end <= c.end


def test_clause_paths_match_their_sections(notice: Document) -> None:
    by_id = {s.id: s for s in notice.sections}
    for c in notice.clauses:
        if c.section_id is None:
            assert c.section_path == (PREAMBLE,)
        else:
            sec = by_id[c.section_id]
            assert c.section_path == sec.path
            assert sec.start <= c.start and c.end <= sec.end
    assert notice.clauses[0].text.startswith("为全面提升产业体系现代化水平")
    assert notice.clauses[0].section_path == (PREAMBLE,)


# ============================================================================ metadata
def test_notice_metadata(notice: Document) -> None:
    m = notice.meta
    assert m.doc_id == "fuzhou_future_industries_2023"
    assert m.doc_number == "榕政办〔2023〕50号"
    assert m.issuer == "福州市人民政府办公厅"
    assert m.date == "2023-07-03"
    assert m.date_text == "2023年7月3日"
    assert m.title == "福州市人民政府办公厅关于加快培育发展未来产业的实施意见"
    assert m.recipients.startswith("各县（市）区人民政府")
    assert m.recipients == "各县（市）区人民政府，高新区管委会，市直各委、办、局（公司），自贸区福州片区管委会"
    assert m.signatory == "福州市人民政府办公厅"
    assert m.notes == ("（此件主动公开）",)
    assert m.attachments == ()
    assert m.source == "fuzhou_future_industries_2023.txt"


def test_metadata_spans_quote_the_text(notice: Document) -> None:
    m, t, sp = notice.meta, notice.text, notice.spans
    assert t[slice(*sp["doc_number"])] == m.doc_number
    assert t[slice(*sp["issuer"])] in (m.issuer, f"{m.issuer}文件")  # the 版头 line may be quoted whole
    assert t[slice(*sp["title"])] == m.title
    assert t[slice(*sp["recipients"])] == m.recipients
    assert t[slice(*sp["date"])] == m.date_text
    assert t[slice(*sp["notes"])] == "（此件主动公开）"
    # the 落款 comes after the body, the 文号 before it
    assert sp["doc_number"][1] < notice.clauses[0].start < notice.clauses[-1].end < sp["date"][0]


def test_closing_block_is_not_body(notice: Document) -> None:
    last = notice.clauses[-1]
    assert last.section_path == ("五、保障措施", "（三）营造发展氛围")
    assert last.text.endswith("为未来产业持续发展筑牢基础。")
    assert not any("此件主动公开" in c.text or c.text == "2023年7月3日" for c in notice.clauses)


# ============================================================================ other layouts (Guang'an)
CHAPTERS = ["总则", "政府投资决策", "政府投资年度计划", "政府投资项目实施", "政府投资项目工程变更", "监督管理", "法律责任", "附则"]
ARTICLES_PER_CHAPTER = [8, 12, 6, 12, 6, 5, 4, 2]
CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens - 1]) + "十" + (CN_NUM[ones - 1] if ones else "")


def test_chapter_and_article_tree(investment: Document) -> None:
    root = [s for s in investment.sections if s.parent_id is None]
    assert [(s.level, s.title, s.path) for s in root] == [(0, "广安市政府投资管理办法", ("广安市政府投资管理办法",))]
    chapters = [s for s in investment.sections if s.marker.endswith("章")]
    assert [s.title for s in chapters] == CHAPTERS
    assert [s.marker for s in chapters] == [f"第{_cn(i)}章" for i in range(1, 9)]
    assert all(s.level == 1 and s.parent_id == root[0].id for s in chapters)
    assert chapters[0].path_str == "广安市政府投资管理办法 > 第一章 总则"
    articles = [s for s in investment.sections if s.marker.endswith("条")]
    assert [s.marker for s in articles] == [f"第{_cn(i)}条" for i in range(1, 56)]
    assert all(s.level == 2 for s in articles)
    per_chapter = [sum(1 for a in articles if a.parent_id == ch.id) for ch in chapters]
    assert per_chapter == ARTICLES_PER_CHAPTER
    art19 = next(a for a in articles if a.marker == "第十九条")
    assert art19.path_str == "广安市政府投资管理办法 > 第二章 政府投资决策 > 第十九条"
    assert len(investment.sections) == 1 + 8 + 55


def test_numbered_items_inside_an_article_stay_in_its_clause(investment: Document) -> None:
    clause = _clause_with(investment, "可以简化报批文件和审批程序：")
    assert clause.section_path[-1] == "第十九条"
    assert clause.text.startswith("第十九条对下列政府投资项目")
    for item in ("（一）对纳入本级及以上人民政府审定", "（二）对建设内容单一、总投资1000万元以下", "（三）为应对自然灾害",
                 "（四）对重大项目，可以提前开展区域评估", "（五）国家和省对简化报批文件和审批程序另有规定的，从其规定。"):
        assert item in clause.text
    assert not any(s.marker.startswith("（") for s in investment.sections)
    for article, n_items in (("第二条", 7), ("第十三条", 4), ("第二十三条", 4), ("第五十二条", 6)):
        c = next(c for c in investment.clauses if c.section_path[-1] == article)
        assert len(re.findall(r"^（[一二三四五六七]）", c.text, re.M)) == n_items, article


def test_articles_without_titles_have_empty_titles(investment: Document) -> None:
    titled = {s.marker: s.title for s in investment.sections if s.marker.endswith("条") and s.title}
    assert titled == {}


def test_investment_notice_metadata(investment: Document) -> None:
    m = investment.meta
    assert m.title == "广安市人民政府关于印发《广安市政府投资管理办法》的通知"
    assert m.doc_number == "广安府规〔2023〕2号"
    assert m.issuer == "广安市人民政府"
    assert m.signatory == "广安市人民政府"
    assert (m.date, m.date_text) == ("2023-06-21", "2023年6月21日")
    assert m.recipients == "各县（市、区）人民政府，广安经开区、川渝高竹新区管委会，市直各部门"
    assert m.effective == "本办法自2023年8月1日起施行，有效期5年。"
    assert m.attachments == ("广安市政府投资项目工程变更审批表", "广安市市本级政府投资项目零星工程变更限额标准")
    assert m.notes == ()
    assert investment.clauses[0].section_path == (PREAMBLE,)
    assert investment.clauses[0].text == "现将《广安市政府投资管理办法》印发给你们，请结合实际认真贯彻落实。"
    assert m.effective in investment.text


def test_gongga_notice_wraps_its_plan(gongga: Document) -> None:
    m = gongga.meta
    assert m.title == "广安市人民政府办公室关于印发广安市制造业企业“贡嘎培优”行动方案的通知"
    assert m.doc_number == "广安府办规〔2022〕8号"
    assert m.issuer == "广安市人民政府办公室"
    assert (m.date, m.date_text) == ("2022-09-28", "2022年9月28日")
    assert m.effective == "本行动方案自2022年10月29日起施行，有效期4年。"
    assert m.attachments == ()
    root = "广安市制造业企业“贡嘎培优”行动方案"
    assert [(s.level, s.path_str) for s in gongga.sections if s.level <= 1] == [
        (0, root),
        (1, f"{root} > 一、培育目标"),
        (1, f"{root} > 二、培育对象"),
        (1, f"{root} > 三、扶持政策"),
        (1, f"{root} > 四、保障措施"),
    ]
    policies = _children(gongga, f"{root} > 三、扶持政策")
    assert [k.title for k in policies] == ["支持进阶上档", "支持竞相成长", "支持跨越发展", "支持技改创新", "支持绿色低碳发展",
                                           "提升融资服务", "加强要素保障", "支持提质增效"]
    assert all(k.level == 2 for k in policies)
    assert [k.title for k in _children(gongga, f"{root} > 四、保障措施")] == ["健全联系服务机制", "强化人才队伍建设", "加强跟踪监测"]
    # the 通知's own paragraph is the preamble; the plan's first paragraph sits under the plan
    assert gongga.clauses[0].section_path == (PREAMBLE,)
    assert gongga.clauses[1].section_path == (root,)
    assert gongga.clauses[1].text.startswith("为贯彻落实习近平总书记来川视察重要指示精神")
    # the closing 施行 sentence does not belong to the last task
    closing = _clause_with(gongga, "本行动方案自2022年10月29日起施行")
    assert closing.section_path == (root,)


def test_doc_ids_come_from_file_stems() -> None:
    assert [s.doc_id for s in read_sources(TEST_DATA)] == [
        "guangan_gov_investment_measures_2023", "guangan_manufacturing_gongga_2022",
    ]


def test_markdown_document_with_fourth_level_headings(tmp_path: Path) -> None:
    """（1） headings and a Markdown title line: a layout the three real documents do not use."""
    text = (
        "# 某某市人民政府办公室关于推进数字乡村建设的通知\n\n各区县人民政府：\n\n为推进数字乡村建设，制定本通知。\n\n"
        "一、主要任务\n\n（一）完善基础设施\n\n1. 网络覆盖\n\n（1）光纤到村。推进行政村光纤全覆盖。（责任单位：市通管办）\n\n"
        "（2）5G 基站。新建基站 100 个。（责任单位：市工信局、市通管办）\n\n某某市人民政府办公室\n\n2024年3月1日\n"
    )
    path = tmp_path / "demo.md"
    path.write_text(text, encoding="utf-8")
    (src,) = read_sources(tmp_path)
    assert isinstance(src, SourceFile)
    doc = parse_document(src)
    assert doc.meta.title == "某某市人民政府办公室关于推进数字乡村建设的通知"
    assert doc.meta.date == "2024-03-01"
    assert [(s.level, s.label) for s in doc.sections] == [
        (1, "一、主要任务"), (2, "（一）完善基础设施"), (3, "1. 网络覆盖"), (4, "（1）光纤到村"), (4, "（2）5G 基站"),
    ]
    c = _clause_with(doc, "新建基站")
    assert c.responsibility is not None and c.responsibility.units == ("市工信局", "市通管办")


def test_a_portal_info_block_copied_as_text_gives_the_metadata(tmp_path: Path) -> None:
    """「发文字号：…」「成文日期：…」「发布机构：…」 lines above the title (a portal page saved as text): the values are the
    metadata and their spans quote the value only; 索引号 is no title and the body starts where it did."""
    doc = _parse_text(tmp_path / "portal_notice.txt",
                      "临江市人民政府办公室关于印发临江市养老服务若干措施的通知\n索引号：11510000-2024-00031\n发布机构：临江市人民政府办公室\n"
                      "发文字号：临府办发〔2024〕12号\n成文日期：2024年3月5日\n各县（市、区）人民政府，市政府各部门：\n"
                      "《临江市养老服务若干措施》已经市政府同意，现印发给你们，请认真贯彻执行。\n临江市人民政府办公室\n2024年3月5日\n"
                      "临江市养老服务若干措施\n一、扩大服务供给\n1.建设社区养老服务中心。每个街道至少建成1个。（市民政局、市财政局负责）\n")
    meta = doc.meta
    assert (meta.doc_number, meta.date, meta.issuer) == ("临府办发〔2024〕12号", "2024-03-05", "临江市人民政府办公室")
    assert meta.title == "临江市人民政府办公室关于印发临江市养老服务若干措施的通知"
    assert doc.text[slice(*doc.spans["doc_number"])] == "临府办发〔2024〕12号"
    assert doc.text[slice(*doc.spans["date"])] == "2024年3月5日"
    clause = next(c for c in doc.clauses if "社区养老服务中心" in c.text)
    assert clause.responsibility is not None and clause.responsibility.units == ("市民政局", "市财政局")


def test_articles_the_portal_ran_together_are_split_where_the_numbering_checks() -> None:
    """The second 办法 of the safety notice lost its line breaks (「…制定本办法。第二条本办法适用于…第三条…」): each
    article is its own section again, numbered on from 第一条 under its own title."""
    from conftest import LIBRARY

    doc = _parse(LIBRARY / "guangan_production_safety_hazards_2023.txt")
    second = [s for s in doc.sections if s.path_str.startswith("广安市重大生产安全事故隐患治理挂牌督办管理办法 > ")]
    assert [s.label for s in second[:3]] == ["第一条", "第二条", "第三条"] and len(second) >= 15
    sign = _clause_with(doc, "必须制作重大生产安全事故隐患警示牌")
    assert sign.section_path[-1] == "第十一条" and sign.text.startswith("第十一条")


def test_an_article_cited_in_running_text_is_no_new_article(tmp_path: Path) -> None:
    doc = _parse_text(tmp_path / "measures.txt", "某市某某管理办法\n第一条　为规范管理，制定本办法。\n第二条　按本办法执行。第五条规定的情形除外。\n")
    assert [s.label for s in doc.sections if s.label.startswith("第")] == ["第一条", "第二条"]


def test_a_run_in_heading_with_a_comma_after_a_closed_clause_opens_its_section() -> None:
    """「（四）坚持优质均衡，各类学校协调发展。推进…（责任单位：…）推进…（责任单位：…）」 follows a clause its 责任单位 note
    closed: (四) is a heading, not a list item run on into that clause (its units were lost with it)."""
    from conftest import LIBRARY

    doc = _parse(LIBRARY / "guangan_basic_education_2021.txt")
    layout = _clause_with(doc, "推进全市中小学幼儿园布局优化调整")
    assert layout.section_path[-1] == "（四）坚持优质均衡，各类学校协调发展"
    assert layout.responsibility is not None and "市民政局" in layout.responsibility.units
    ict = _clause_with(doc, "促进信息技术与教育教学融合创新发展")
    assert ict.responsibility is not None and "市大数据中心" in ict.responsibility.units
    first = _clause_with(doc, "坚持立德树人")  # the first item under 二、 after a pure heading line
    assert first.section_path[-1].startswith("（三）")


# ============================================================================ layouts of the synthetic notices
SYNTHETIC = Path(__file__).resolve().parents[2] / "evals" / "synthetic" / "corpus"


def test_a_decimal_outline_nests_by_the_depth_of_its_numbers() -> None:
    """「1　总体目标」「2.1　夯实…」「2.1.1　加快5G….」 (a 工作要点 wrapped by its 通知): three levels under the inner
    document's own title; a run-in 「2.1.1」 heading names its clause; 「（…牵头，…配合）」 notes are read as ever."""
    doc = _parse(SYNTHETIC / "lanzhou_digital_economy_2024.txt")
    paths = [s.path_str for s in doc.sections]
    assert "岚州市2024年数字经济工作要点 > 1 总体目标" in paths
    assert "岚州市2024年数字经济工作要点 > 2 重点任务 > 2.1 夯实数字基础设施 > 2.1.2 推进算力基础设施建设" in paths
    assert "岚州市2024年数字经济工作要点 > 3 保障措施 > 3.2 加大资金支持" in paths
    c = _clause_with(doc, "新增标准机架2000个")
    assert c.heading == "推进算力基础设施建设" and c.section_path[-1] == "2.1.2 推进算力基础设施建设"
    assert c.responsibility is not None and c.responsibility.lead == ("市发展改革委",)
    target = _clause_with(doc, "数字经济规模突破1200亿元")
    assert target.section_path[-1] == "1 总体目标"


def test_numbered_conditions_in_a_decimal_outline_stay_items_of_their_clause() -> None:
    """A 预案 numbered 「4.1」「4.2」 lists each response level's conditions as 「1．…；」「2．…；」「3．1条以上…。」: items of
    the 「（一）Ⅳ级响应」 clause, not the outline's first level — and 「3．1条」 is item 3, not heading 3.1."""
    doc = _parse(SYNTHETIC / "anping_neilao_yingjiyuan_2023.txt")
    c = _clause_with(doc, "1条以上城市主干道因积水造成交通中断")
    assert c.section_path[-1].startswith("（一）") and "应急响应" in " > ".join(c.section_path)
    assert not any(s.label.startswith(("3.1 条", "3.2 座")) for s in doc.sections)
    assert _clause_with(doc, "内涝灾害造成3人以上死亡或者失踪").section_path[-1].startswith("（四）")


def test_an_issuer_line_over_the_title_is_the_title_s_start_and_the_recipients_stay_apart() -> None:
    """「安平市人民政府办公室」 on its own line over 「关于印发…的通知」 (under the 版头 and 文号): one title; the 主送 line
    after it is not glued onto it."""
    doc = _parse(SYNTHETIC / "anping_neilao_yingjiyuan_2023.txt")
    assert doc.meta.title == "安平市人民政府办公室关于印发安平市城市内涝灾害应急预案的通知"
    assert doc.meta.recipients.startswith("各区、县人民政府")


def test_a_notice_titled_as_a_public_notice_keeps_its_title_apart_from_its_text() -> None:
    """「…拟拨付名单公示」 (a DOCX) and 「…新闻发布会」 (a portal page) end in what they are: the next line is text."""
    gongshi = _parse(SYNTHETIC / "anping_shuzihua_jiangbu_gongshi_2025.docx")
    assert gongshi.meta.title == "安平市2024年度中小企业数字化转型奖补资金拟拨付名单公示"
    briefing = _parse(SYNTHETIC / "anping_xinjiuye_fabuhui_2024.html")
    assert briefing.meta.title == "安平市新就业形态劳动者权益保障政策新闻发布会"


def test_joint_issuers_one_to_a_line_and_a_drawn_rule_are_the_letterhead() -> None:
    """「西塘市科学技术局」「西塘市科学技术协会」「西塘市教育局」 over the 文号, then a rule drawn in 「━」: the 版头, not the title
    (a DOCX); a PDF's 版头 repeated over 「关于…」 starts the title."""
    keji = _parse(SYNTHETIC / "xitang_kejihuodongzhou_2025.docx")
    assert keji.meta.title == "关于举办2025年西塘市“科技活动周”的通知" and keji.meta.doc_number == "西科联〔2025〕4号"
    yanfa = _parse(SYNTHETIC / "xitang_yanfa_buzhu_2025.pdf")
    assert yanfa.meta.title == "西塘市科学技术局西塘市财政局关于组织申报2025年度西塘市科技型中小企业研发费用补助的通知"


def test_an_faq_of_unnumbered_questions_has_one_section_per_question() -> None:
    """「问：…？」 over 「答：…」 (a portal's FAQ, numbered nowhere): each question a section, numbered in order."""
    doc = _parse(SYNTHETIC / "xitang_rencai_anju_2024.html")
    asks = [s for s in doc.sections if s.label.startswith("问")]
    assert len(asks) >= 12 and asks[0].label.startswith("问1：") and asks[0].title.endswith("？")
    c = _clause_with(doc, "A类人才200万元")
    assert c.section_path[-1].startswith("问") and "购房补贴" in c.section_path[-1]


def test_an_faq_that_numbers_its_questions_1_dot_ask_has_one_section_per_question() -> None:
    """「9.问：申领补贴需要准备哪些材料？」 over 「答：…」 (a portal page's 政策问答): each question a section, not an item
    run into the introduction above it; the 施行 of the rule it is about is its own."""
    doc = _parse(SYNTHETIC / "langxi_shengyu_butie_wenda_2025.html")
    asks = [s for s in doc.sections if s.label.startswith("问")]
    assert len(asks) == 25 and asks[8].label == "问9：申领补贴需要准备哪些材料？"
    answer = _clause_with(doc, "申请人有效身份证件")
    assert answer.section_path[-1] == asks[8].label
    assert _clause_with(doc, "现就有关问题解答如下").section_path == ("导语",)  # the introduction keeps none of them
    # the rule it answers about takes effect by the sentence that names it with its 文号 and 简称 in between
    assert doc.meta.effective.startswith("《琅溪市生育支持补贴实施办法》（琅卫规〔2025〕2号")
    assert doc.meta.effective.endswith("自2025年7月1日起施行，有效期5年。")


def test_a_line_starting_with_an_amount_or_a_bare_number_is_no_decimal_heading(tmp_path: Path) -> None:
    doc = _parse_text(tmp_path / "plan.txt", "某市某某实施方案\n一、主要目标\n2.5万元以下的项目简化审批。\n3 个工作日内办结。\n")
    assert [s.label for s in doc.sections] == ["一、主要目标"]


def test_a_question_and_answer_document_has_one_section_per_question() -> None:
    """「问3：政策的执行期是多长？购房时间怎么认定？」 then 「答：…」: the question is the section's title, the answer its
    text; a 「户型 | 建筑面积 | 补贴标准」 table keeps one row per line."""
    doc = _parse(SYNTHETIC / "lanzhou_housing_subsidy_2023.txt")
    titles = [s.label for s in doc.sections if s.label.startswith("问")]
    assert len(titles) == 15 and titles[2] == "问3：政策的执行期是多长？购房时间怎么认定？"
    answer = _clause_with(doc, "政策执行期为2023年5月1日至2024年4月30日")
    assert answer.section_path[-1] == titles[2]
    asked = _clause_with(doc, "问3：政策的执行期是多长")  # the question line is a clause too: citizens ask in its words
    assert asked.section_path[-1] == titles[2] and asked.heading == "政策的执行期是多长？购房时间怎么认定？"
    rows = [c.text for c in doc.clauses if c.text.count("|") >= 2]
    assert len(rows) >= 5 and all("\n" not in r for r in rows)


def test_labelled_blocks_of_a_service_guide_are_sections_and_field_lines_stay_apart() -> None:
    """An 办事指南 of 【办理时限】 blocks: each block is a section with the 一、 headings inside it; 「X局：0795-…」 lines
    are not run together as page breaks; the 施行 sentence of 「本指南…」 is the notice's effective sentence."""
    doc = _parse(SYNTHETIC / "lanzhou_elderly_meal_2024.txt")
    labels = [s.label for s in doc.sections if s.level == 1]
    assert labels[:3] == ["【事项名称】", "【设定依据】", "【适用对象】"] and "【监督投诉电话】" in labels
    assert doc.meta.title == "岚州市老年助餐服务补贴办事指南"
    assert doc.meta.effective.startswith("本指南自2024年3月1日起施行")
    phones = [c for c in doc.clauses if c.section_path == ("【监督投诉电话】",)]
    assert [c.text for c in phones] == ["市民政局机关纪委：0795-3821090", "市市场监管局食品安全投诉举报电话：0795-3858315",
                                        "12345政务服务便民热线"]
    assert any(s.path_str == "【办理流程】 > 一、老年人就餐补贴" for s in doc.sections)


def test_the_rows_of_a_task_table_carry_their_lead_and_support_units(tmp_path: Path) -> None:
    """An 「附件：重点任务分工表」 flattened into 「｜」 rows: each row is a clause named by its task cell, responsible to
    the units of its 牵头单位 (lead) and 配合单位 columns; a row of another width or a table without such columns
    carries none."""
    doc = _parse_text(tmp_path / "plan.txt", "某市某某行动计划\n一、重点任务\n（一）加快充电设施建设。到2025年新建公共充电桩5000个。\n附件\n重点任务分工表\n"
                    "序号｜重点任务｜牵头单位｜配合单位｜完成时限\n1｜加快充电设施建设｜市发展改革委｜市住房城乡建设局、国网某市供电公司｜2025年底\n"
                    "2｜推广公交车电动化｜市交通运输局｜｜持续推进\n3｜备注｜无\n情形｜标准｜时限\n急难型｜2倍｜3日\n")
    first = _clause_with(doc, "1|加快充电设施建设")  # the normalized text writes ASCII bars
    assert first.heading == "加快充电设施建设"
    r = first.responsibility
    assert r is not None and r.units == ("市发展改革委", "市住房城乡建设局", "国网某市供电公司") and r.lead == ("市发展改革委",)
    assert doc.text[r.start : r.end] == r.text and r.text.startswith("市发展改革委")
    second = _clause_with(doc, "推广公交车电动化").responsibility
    assert second is not None and second.units == ("市交通运输局",) and second.lead == ()
    assert _clause_with(doc, "3|备注").responsibility is None
    assert _clause_with(doc, "急难型|2倍").responsibility is None
    assert _clause_with(doc, "序号|重点任务").text.startswith("序号")  # the header row is a line of its own


def test_parts_numbered_di_yi_bu_fen_are_the_top_level(tmp_path: Path) -> None:
    doc = _parse_text(tmp_path / "plan.txt", "某市某某行动计划\n第一部分　总体要求\n（一）基本原则。坚持市场主导。\n第二部分　重点任务\n（一）壮大整车。"
                    "到2027年产量达到10万辆。\n")
    assert [s.path_str for s in doc.sections] == ["第一部分 总体要求", "第一部分 总体要求 > （一）基本原则",
                                                  "第二部分 重点任务", "第二部分 重点任务 > （一）壮大整车"]


def test_page_number_lines_between_the_halves_of_a_sentence_are_dropped(tmp_path: Path) -> None:
    """A 公文 copied out of its PDF or Word file keeps 「— 3 —」 and 「第 4 页 共 9 页」 lines: they are no text, and the
    sentence they cut is joined again."""
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府关于推进充电设施建设的通知\n一、总体要求\n（一）加快建设。到2025年，全市建成充电\n— 3 —\n"
                    "桩1000个，实现乡镇全覆盖。（责任单位：市发展改革委）\n第 4 页 共 9 页\n（二）完善机制。建立联席会议制度。\n- 5 -\n")
    assert "全市建成充电桩1000个" in doc.text and "— 3 —" not in doc.text and "页" not in doc.text
    assert [c.text for c in doc.clauses][-1] == "（二）完善机制。建立联席会议制度。"


def test_headings_written_yi_dot_and_half_bracketed_items(tmp_path: Path) -> None:
    """「一．总体要求」 (a portal's full stop for 、) and 「1）加快建设。…」 items are headings like 「一、」 and 「（1）」."""
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府关于推进充电设施建设的通知\n一．总体要求\n到2025年建成充电桩1000个。\n二．重点任务\n"
                    "1）加快建设。新建充电站50座。（责任单位：市发展改革委）\n2）完善机制。建立联席会议制度。（责任单位：市商务局）\n")
    assert [s.path_str for s in doc.sections] == ["一、总体要求", "二、重点任务", "二、重点任务 > （1）加快建设",
                                                  "二、重点任务 > （2）完善机制"]
    assert _clause_with(doc, "新建充电站50座").heading == "加快建设"


def test_a_label_line_cut_after_a_comma_runs_on(tmp_path: Path) -> None:
    """「参会单位：市发展改革委、」 at a page's foot looks like a 「X：Y」 line but runs on: the next line completes it, while
    whole 「X：0795-…」 lines stay apart."""
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府办公室关于召开工作会议的通知\n一、会议安排\n参会单位：市发展改革委、\n市商务局、市财政局。\n"
                    "二、联系方式\n市发展改革委：0838-2316457\n市商务局：0838-2316458\n")
    assert _clause_with(doc, "参会单位").text == "参会单位：市发展改革委、市商务局、市财政局。"
    assert [c.text for c in doc.clauses if "0838" in c.text] == ["市发展改革委：0838-2316457", "市商务局：0838-2316458"]


def test_a_policy_interpretation_titles_its_parts_by_questions() -> None:
    """A 政策解读: 「《…办法》政策解读」 is its title (the 「发布日期：…来源：…」 line under it is no part of it), 「三、认定条件
    有哪些？」 is a heading with its question as the title, and the rule it interprets takes effect by its 简称
    (「《办法》自2024年5月1日起施行」)."""
    doc = _parse(SYNTHETIC / "qingbei_kindergarten_fee_2024.txt")
    assert doc.meta.title == "《青陂市普惠性民办幼儿园认定和收费管理办法》政策解读"
    assert [s.label for s in doc.sections if s.level == 1][2:4] == ["三、认定条件有哪些？", "四、收费标准怎么定？"]
    assert doc.meta.effective == "《办法》自2024年5月1日起施行，有效期5年。"


def test_a_rule_named_in_the_text_takes_effect_only_if_the_title_names_it(tmp_path: Path) -> None:
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府关于做好就业工作的实施意见\n一、总体要求\n《某省就业促进条例》（以下简称《条例》）"
                      "已施行。\n二、其他\n《条例》自2020年1月1日起施行。\n")
    assert doc.meta.effective == ""


def test_attachments_marked_after_the_signature_are_roots_of_their_own(tmp_path: Path) -> None:
    """After the 落款, 「附件1：补贴标准」 opens an attachment (before it, the line lists one); a bare 「附」 line marks the
    attachment whose title follows and is never joined to it."""
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府办公室关于印发某市补贴办法的通知\n各区县人民政府：\n现将《某市补贴办法》印发给你们。\n"
                      "附件1：补贴申请表\n附件2：补贴标准\n某市人民政府办公室\n2024年3月1日\n附件1：补贴申请表\n申请人应当提交以下材料：\n"
                      "1．身份证明；\n2．户口簿。\n附件2：补贴标准\n特困老年人：每人每月300元\n附\n某市人民政府关于同意调整补贴标准的批复\n"
                      "一、同意调整。\n")
    assert doc.meta.attachments == ("补贴申请表", "补贴标准")
    roots = [s.label for s in doc.sections if s.parent_id is None]
    assert roots == ["附件1：补贴申请表", "附件2：补贴标准", "某市人民政府关于同意调整补贴标准的批复"]
    assert _clause_with(doc, "特困老年人").section_path == ("附件2：补贴标准",)


def test_the_last_item_of_a_list_is_an_item_though_it_ends_the_sentence(tmp_path: Path) -> None:
    """「4.无正当理由连续3个月未缴纳租金的。」 closes the list 1.–3. began: short, ending in 。, it would pass for a run-in
    heading, but it follows item 3 of the same list."""
    doc = _parse_text(tmp_path / "n.txt", "某市人才安居实施方案\n一、人才公寓退出\n承租人才有下列情形之一的，应当腾退：\n1.解除劳动关系的；\n"
                      "2.购买商品住房的；\n3.转租人才公寓的；\n4.连续3个月未缴纳租金的。\n逾期不腾退的，按市场租金收取。\n二、保障措施\n")
    assert [s.label for s in doc.sections] == ["一、人才公寓退出", "二、保障措施"]
    assert "4.连续3个月未缴纳租金的。" in _clause_with(doc, "下列情形之一").text


def test_a_government_order_is_titled_by_the_rule_it_promulgates() -> None:
    """A 政府令 read from its PDF: 「云梧市人民政府令」「第21号」 are its issuer and number, the 办法 after the 市长's
    signature is its title (not an attachment), and its chapters are the top level."""
    doc = _parse(SYNTHETIC / "yunwu_pharmacy_supervision_2023.pdf")
    assert doc.meta.title == "云梧市药品零售企业监督管理办法"
    assert doc.meta.doc_number == "云梧市人民政府令第21号" and doc.meta.issuer == "云梧市人民政府"
    assert [s.label for s in doc.sections if s.level == 1][:2] == ["第一章 总则", "第二章 经营许可"]
    assert doc.meta.effective.startswith("本办法自2023年11月1日起施行")


def test_an_organ_name_alone_above_the_number_is_the_letterhead(tmp_path: Path) -> None:
    """「临川湾市人民政府」 on the first line, then 「川湾府发〔2024〕2号」 and the title: a 版头 without 「文件」, not a clause that
    would make the title an attachment."""
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府\n某府发〔2024〕2号\n某市人民政府关于表彰先进集体的决定\n各区县人民政府：\n"
                      "现决定授予某单位先进集体称号。\n某市人民政府\n2024年1月18日\n")
    assert doc.meta.title == "某市人民政府关于表彰先进集体的决定" and doc.meta.issuer == "某市人民政府"
    assert doc.meta.doc_number == "某府发〔2024〕2号" and all(s.level > 0 for s in doc.sections)


def test_a_table_of_contents_is_no_part_of_the_body(tmp_path: Path) -> None:
    """A 条例's 「目　录」 lists its chapters once more: they are not sections of their own."""
    doc = _parse_text(tmp_path / "n.txt", "某市夜间经济促进条例\n目　　录\n第一章　总则\n第二章　规划与经营\n第一节　规划与布局\n"
                      "第三章　附则\n第一章　总则\n第一条　为了促进夜间经济发展，制定本条例。\n第二章　规划与经营\n第一节　规划与布局\n"
                      "第二条　市商务主管部门负责编制专项规划。\n第三章　附则\n第三条　本条例自2025年1月1日起施行。\n")
    assert [s.path_str for s in doc.sections if s.level == 1] == ["第一章 总则", "第二章 规划与经营", "第三章 附则"]
    assert doc.meta.effective == "本条例自2025年1月1日起施行。"


def test_a_portal_info_bar_gives_several_fields() -> None:
    """「发布时间：2025年3月18日　来源：临川湾市人民政府新闻办公室」 on one line: the date and the issuer."""
    doc = _parse(SYNTHETIC / "chuanwan_tourism_answers_2025.txt")
    assert doc.meta.date == "2025-03-18" and doc.meta.issuer == "临川湾市人民政府新闻办公室"


def test_a_press_conference_has_one_section_per_question() -> None:
    """An 答记者问: each 「【记者】…？」 is a question item, the speaker's 「【市商务局党组成员　周涛】…」 its answer (no heading)."""
    doc = _parse(SYNTHETIC / "chuanwan_tourism_answers_2025.txt")
    labels = [s.label for s in doc.sections]
    assert len(labels) == 10 and all(x.startswith(f"问{i}：") for i, x in enumerate(labels, 1))
    answer = _clause_with(doc, "市商务局党组成员周涛】")
    assert answer.section_path[-1].startswith("问7：")


def test_articles_numbered_in_arabic_figures(tmp_path: Path) -> None:
    """「第1条」「第12条」: a 细则 numbering its articles in figures has articles as one in Chinese numerals does."""
    doc = _parse_text(tmp_path / "n.txt", "某市取暖补贴发放实施细则\n第1条　为保障困难群众温暖过冬，制定本细则。\n第2条　补贴标准如下：\n"
                      "1.特困人员每人每年900元；\n2.低保对象每户每年800元。\n第12条　本细则自2024年11月1日起施行。\n")
    assert [s.label for s in doc.sections] == ["第1条", "第2条", "第12条"]
    assert "2.低保对象每户每年800元。" in _clause_with(doc, "补贴标准如下").text


def test_bullet_signs_title_blocks_and_a_markdown_rule_is_no_text(tmp_path: Path) -> None:
    """「◎招生计划」 heads a part, 「▲报名时间」 a block inside a 【小学】 block; the 「|---|---|」 rule of a Markdown table
    is dropped while its rows stay rows."""
    doc = _parse_text(tmp_path / "n.txt", "某市招生入学工作方案\n◎报名安排\n【小学】\n▲报名时间\n网上报名：7月1日—7月5日；\n▲所需材料\n"
                      "户口簿、出生医学证明。\n◎收费标准\n| 类别 | 金额（元） |\n|---|---|\n| 住宿费 | 800 |\n")
    paths = [s.path_str for s in doc.sections]
    assert "◎报名安排 > 【小学】 > ▲报名时间" in paths and "◎收费标准" in paths
    assert "---" not in doc.text and _clause_with(doc, "住宿费").text == "| 住宿费 | 800 |"


def test_a_title_wrapped_after_its_issuer_and_guanyu_is_one_title(tmp_path: Path) -> None:
    """「…办公室关于印发《白沙」 / 「洲市…办法》的通知」 (a printed title in two lines, the break inside the name) is the title,
    and the 主送 line after it is no part of it."""
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府办公室文件\n某政办发〔2025〕9号\n某市人民政府办公室关于印发《某市高龄\n"
                      "老人津贴管理办法》的通知\n各区县人民政府，市政府各部门：\n现印发给你们，请认真贯彻执行。\n某市人民政府办公室\n"
                      "2025年3月12日\n")
    assert doc.meta.title == "某市人民政府办公室关于印发《某市高龄老人津贴管理办法》的通知"


def test_joint_issuers_whose_spacing_was_lost_are_told_apart() -> None:
    from policyqa.corpus.structure import joint_issuers

    assert joint_issuers("江屿市医疗保障局江屿市财政局国家税务总局江屿市税务局") == "江屿市医疗保障局、江屿市财政局、国家税务总局江屿市税务局"
    assert joint_issuers("广安市人民政府办公室") == "广安市人民政府办公室"
    assert joint_issuers("广安市市场监管局关于广安市") == "广安市市场监管局关于广安市"  # not organs that tile the line


def test_an_attachment_glued_onto_the_last_paragraph_is_listed_and_opened(tmp_path: Path) -> None:
    """A copy that lost its line breaks: 「…〕附件：X附件X召集人：…」 lists attachment X, then X itself under its title."""
    doc = _parse_text(tmp_path / "n.txt", "某市人民政府办公室关于印发某方案的通知\n各区县人民政府：\n现印发给你们。\n某市人民政府办公室\n"
                      "2024年1月8日\n一、加强领导\n建立联席会议制度。〔市发展改革委牵头〕附件：某市联席会议成员名单附件某市联席会议成员名单"
                      "召集人：张三副市长成员单位：市发展改革委、市财政局\n")
    assert doc.meta.attachments == ("某市联席会议成员名单",)
    members = next(c for c in doc.clauses if c.text.startswith("召集人"))
    assert members.section_path[0] == "某市联席会议成员名单"


def test_a_running_header_of_a_text_copied_from_print_is_no_text(tmp_path: Path) -> None:
    """A text copy of a printed 规范性文件 repeats 「某市人民政府规范性文件」 at every page: not the letterhead (whose issuer
    would be 「某市人民政府规范性」), not a line of the body."""
    page = "某市人民政府规范性文件\n"
    doc = _parse_text(tmp_path / "n.txt", page + "某市人民政府\n某政发〔2025〕9号\n某市人民政府关于加快发展银发经济\n增进老年人福祉的实施意见\n"
                      "各区县人民政府：\n为深入贯彻国家战略，提出如下意见。\n一、总体要求\n坚持以人民为中心。\n－ 1 －\n" + page +
                      "二、扩大助餐供给\n新增老年助餐点120个。\n－ 2 －\n" + page + "三、组织实施\n各区县制定实施方案。\n某市人民政府\n2025年6月12日\n")
    assert doc.meta.title == "某市人民政府关于加快发展银发经济增进老年人福祉的实施意见" and doc.meta.issuer == "某市人民政府"
    assert "规范性文件" not in doc.text


def test_a_note_closing_a_part_names_who_does_each_of_its_tasks() -> None:
    """「以上工作由市民政局牵头，市卫生健康委员会…配合。」 after 三、's five tasks: each task carries it, lead apart; the
    part before keeps its own note."""
    doc = _parse(SYNTHETIC / "baihe_shequ_qianrushi_fuwu_sheshi_2025.txt")
    childcare = _clause_with(doc, "（二）提供普惠托育服务")
    assert childcare.responsibility is not None and childcare.responsibility.lead == ("市民政局",)
    assert "市文化广电和旅游局" in childcare.responsibility.units
    planning = _clause_with(doc, "（一）编制专项建设规划")
    assert planning.responsibility is not None and planning.responsibility.lead == ("市自然资源和规划局",)
    assert _clause_with(doc, "坚持以人民为中心").responsibility is None  # 一、总体要求 has no note


def test_a_portal_breadcrumb_is_not_the_title_and_the_fields_under_it_are_read() -> None:
    doc = _parse(SYNTHETIC / "baihe_shequ_qianrushi_fuwu_sheshi_2025.txt")
    assert doc.meta.title == "白河市人民政府办公室关于加快推进城市社区嵌入式服务设施建设的实施意见"
    assert doc.meta.doc_number == "白府办发〔2025〕18号" and "门户网站" not in doc.text


def test_an_in_force_sentence_is_not_a_run_in_title() -> None:
    """「十二、本命令自2025年3月1日起施行。…同时废止。」 of a 命令 whose articles have no titles."""
    doc = _parse(SYNTHETIC / "baihe_jinyuqi_2025.pdf")
    assert not any("施行" in s.title for s in doc.sections)


def test_a_figure_after_an_item_number_is_not_a_decimal_heading(tmp_path: Path) -> None:
    doc = _parse_text(tmp_path / "n.txt", "关于做好见习工作的通知\n一、服务对象\n1．离校2年内未就业的高校毕业生；\n"
                                         "2．16至24岁登记失业青年；\n3．退役军人。\n")
    assert not any(s.marker.startswith("2.16") or "至24岁" in s.title for s in doc.sections)
    assert _clause_with(doc, "16至24岁登记失业青年").section_path == ("一、服务对象",)


def test_tab_separated_rows_of_a_text_file_stay_rows() -> None:
    doc = _parse(SYNTHETIC / "chengjiangwan_ebike_charging_2025.txt")
    assert _clause_with(doc, "充电柜（封闭式）").text.startswith("充电柜（封闭式）|每组3000元|")


def test_columns_aligned_by_spaces_in_a_text_file_stay_rows(tmp_path: Path) -> None:
    """A price table pasted into a text file with its columns aligned by runs of spaces: a row per line, its cells apart."""
    doc = _parse_text(tmp_path / "n.txt", "某市关于调整居民阶梯水价的公告\n一、价格标准\n"
                                         "  阶梯        年用水量（立方米）    综合水价\n"
                                         "  第一阶梯    0～216（含）          3.45\n"
                                         "  第二阶梯    216～300（含）        4.63\n"
                                         "第一条  为规范管理，制定本办法。\n")
    assert _clause_with(doc, "第二阶梯").text == "第二阶梯|216～300（含）|4.63"
    assert "|" not in _clause_with(doc, "为规范管理").text  # 「第一条  为规范…」: two cells and one line are no table


def test_items_with_a_responsibility_note_each_are_tasks_of_their_own(tmp_path: Path) -> None:
    """A 督查通报's 「滞后任务如下：1.…（牵头单位：A）；2.…（牵头单位：B）」: each item its own lead, not the first's."""
    doc = _parse_text(tmp_path / "n.txt", "关于重点工作督查情况的通报\n一、存在问题\n部分任务滞后，具体如下：\n"
                                         "1.老旧小区改造开工率偏低（牵头单位：市住房城乡建设局）；\n"
                                         "2.绕城高速征地拆迁未按期完成（牵头单位：市交通运输局，配合单位：市自然资源和规划局）；\n"
                                         "3.新院区主体工程滞后（牵头单位：市卫生健康委）。\n")
    second = _clause_with(doc, "绕城高速")
    assert second.responsibility is not None and second.responsibility.lead == ("市交通运输局",)
    assert "老旧小区" not in second.text
    assert _clause_with(doc, "新院区").responsibility.units == ("市卫生健康委",)  # type: ignore[union-attr]


def test_a_portal_pages_buttons_are_no_heading(tmp_path: Path) -> None:
    doc = _parse_text(tmp_path / "n.txt", "某市门户网站 > 政务公开 > 政府工作报告\n【字体：大 中 小】　【打印本页】　【关闭窗口】\n"
                                         "某市2025年政府工作报告\n一、工作回顾\n全市地区生产总值增长5.6%。\n【打印本页】　【关闭窗口】\n")
    assert "字体" not in doc.text and not any("打印" in s.title or "字体" in s.title for s in doc.sections)


def test_joint_issuers_one_to_a_line_above_the_title_are_all_issuers(tmp_path: Path) -> None:
    doc = _parse_text(tmp_path / "n.txt", "某市住房和城乡建设局\n某市财政局\n某建规〔2025〕3号\n"
                                         "关于印发某市既有住宅加装电梯财政补贴实施细则的通知\n各区住房城乡建设局：\n现将细则印发给你们。\n")
    assert doc.meta.issuer == "某市住房和城乡建设局、某市财政局"


def test_a_title_wrapped_to_its_last_words_and_one_sentence_items_of_a_list() -> None:
    """A PDF 通告 whose title wraps to a line 「的通告」 (too short to pass for a title alone) is titled whole; 「（三）执行紧急
    任务的警车…不受本通告限制。」 after items （一）（二） that are no headings is an item of that list, not a heading over
    （四）–（七）."""
    doc = _parse(SYNTHETIC / "heting_traffic_control_2025.pdf")
    assert doc.meta.title == "关于鹤汀大道快速化改造工程（二期）施工期间实施交通管制的通告"
    assert not any("不受本通告限制" in s.label for s in doc.sections)
    c = _clause_with(doc, "市交通运输局负责组织受影响公交线路的临时调整")
    assert c.section_path[-1] == "四、其他管制要求"


def test_a_portals_line_of_links_is_no_text_of_the_notice() -> None:
    """「鹤汀市人民政府门户网站 | 无障碍浏览 | 长者模式 | English」 above a 政策问答 (and 「无障碍|长者模式|English」 over an old
    portal's 实施意见) is the page's, not the notice's: the title is the 问答's own; a table's header row is kept."""
    faq = _parse(SYNTHETIC / "heting_housing_provident_fund_loan_2025.txt")
    assert faq.meta.title == "《鹤汀市住房公积金个人住房贷款管理办法》政策问答"
    assert "无障碍浏览" not in faq.text
    old = _parse(SYNTHETIC / "tongshan_old_community_2023.html")
    assert "长者模式" not in old.text
    jobs = _parse(SYNTHETIC / "baihe_shiyedanwei_zhaopin_2025.html")
    assert _clause_with(jobs, "岗位代码|岗位名称|招聘人数")


def test_a_portal_pages_tail_is_no_text_of_the_notice() -> None:
    """「【相关链接】」 and its 「· …」 links, 「分享到：微信 微博」 and the site's footer (主办单位, ICP备) after a 通告 copied as
    text are the page's: no section 「· 《…》政策解读」 holding the footer; the notice's last clause is its own."""
    doc = _parse(SYNTHETIC / "bitan_fireworks_ban_2025.txt")
    assert not any("政策解读" in s.title for s in doc.sections)
    assert "主办单位" not in doc.text and "分享到" not in doc.text and "网站标识码" not in doc.text
    assert "同时废止" in doc.clauses[-2].text or "同时废止" in doc.clauses[-1].text
    faq = _parse(SYNTHETIC / "heting_housing_provident_fund_loan_2025.txt")
    assert "分享到" not in faq.text and "ICP" not in faq.text


def test_a_service_guides_key_value_table_is_read_and_its_date_is_the_pages() -> None:
    """An 办事指南 page: its 「事项名称｜…」 table of a dozen rows (one cell of a few hundred characters) is the guide, not a
    page frame; with no 落款, the page's 发布日期 field is its date; its 发布机构 field ends where 指南文号 begins."""
    doc = _parse(SYNTHETIC / "bitan_food_business_license_guide_2025.html")
    assert _clause_with(doc, "20个工作日（因特殊原因需要延长的").section_path[-1] == "法定办结时限"
    assert _clause_with(doc, "被吊销食品经营许可证未满5年的")
    assert doc.meta.date == "2025-06-18" and doc.meta.doc_number == "碧市监许〔2025〕14号"


def test_a_reply_to_a_deputys_suggestion_is_titled_by_its_title_not_its_header_fields() -> None:
    """A 答复 to a 人大代表建议 opens with 「办理结果类别：A类」「签发人：…」 over the 版头: these are the document's own fields
    (kept as text, since they say something of it), the title is 「…关于…第126号建议的答复」, the deputy it answers is
    whom it is sent to."""
    doc = _parse(SYNTHETIC / "baixi_jiazhuang_dianti_2025.docx")
    assert doc.meta.title == "白溪市住房和城乡建设局关于市十七届人大三次会议第126号建议的答复"
    assert doc.meta.recipients == "陈丽华代表" and doc.meta.doc_number == "白住建函〔2025〕58号"
    assert _clause_with(doc, "办理结果类别：A类").section_path == ("导语",)
    assert _clause_with(doc, "您提出的《关于加快老旧小区加装电梯的建议》收悉").section_path == ("导语",)


def test_a_scanned_year_read_with_the_letter_o_is_still_a_date() -> None:
    """OCR reads the 〇 of 「二〇二五年五月二十日」 as the letter O: the 落款 date is still read."""
    doc = _parse(SYNTHETIC / "baixi_gongzufang_2025.txt")
    assert doc.meta.date == "2025-05-20"


def test_a_portal_page_title_repeating_the_order_head_is_not_the_title() -> None:
    """A 规章库 page: its <title> 「石渠市人民政府令第27号」 stands above 「# 石渠市人民政府令」「第27号」 and the 令's text;
    the rule promulgated (「# 石渠市户外广告设置管理办法」) is the title, the 令 and its number are the 文号."""
    doc = _parse(SYNTHETIC / "shiqu_outdoor_advertising_2025.html")
    assert doc.meta.title == "石渠市户外广告设置管理办法"
    assert doc.meta.doc_number == "石渠市人民政府令第27号" and doc.meta.issuer == "石渠市人民政府"
    assert [s.label for s in doc.sections if s.level == 1][:2] == ["第一章 总则", "第二章 设置规划"]


def test_an_order_and_its_number_on_one_line_are_the_number(tmp_path: Path) -> None:
    """「某市人民政府令第27号」 on one line under the rule's title is the 文号 of the 令."""
    doc = _parse_text(tmp_path / "n.txt", "某市电梯安全管理规定\n某市人民政府令第27号\n《某市电梯安全管理规定》已经市人民政府常务会议审议通过，"
                      "现予公布。\n第一章　总则\n第一条　为了加强电梯安全管理，制定本规定。\n")
    assert doc.meta.title == "某市电梯安全管理规定" and doc.meta.doc_number == "某市人民政府令第27号"
