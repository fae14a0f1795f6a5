"""「（责任单位：…）」 / 「〔责任单位：…〕」 notes on every clause of the real documents."""

from __future__ import annotations


import pytest

from policyqa.corpus.load import read_sources
from policyqa.corpus.responsibility import parse_responsibility, split_units
from policyqa.corpus.structure import parse_document
from policyqa.types import Document
from conftest import CORPUS, TEST_DATA

LOCAL = ("各县（市）区人民政府", "高新区管委会")
NOTE = "以下均需各县（市）区人民政府、高新区管委会落实，不再列出"

# Read off the notice, clause by clause (section path -> units as written, in order).
NOTICE_UNITS: dict[str, tuple[str, ...]] = {
    "三、发展重点 > （一）推动前沿新材料产业跨越发展": ("市工信局", "市科技局", "市发改委", *LOCAL),
    "三、发展重点 > （二）推动重点产业倍增发展 > 1. 新一代光电": ("市工信局", "市发改委", "市科技局"),
    "三、发展重点 > （二）推动重点产业倍增发展 > 2. 自主人工智能": ("市大数据委", "市科技局", "市工信局", "市发改委"),
    "三、发展重点 > （二）推动重点产业倍增发展 > 3. 未来能源": ("市工信局", "市发改委", "市科技局"),
    "三、发展重点 > （二）推动重点产业倍增发展 > 4. 深海空天开发": ("市工信局", "市大数据委", "市发改委", "市科技局"),
    "三、发展重点 > （二）推动重点产业倍增发展 > 5. 元宇宙": (
        "市大数据委", "市科技局", "市市场监管局", "市商务局", "市自然资源和规划局", "市建设局", "市文旅局"),
    "三、发展重点 > （二）推动重点产业倍增发展 > 6. 未来医疗": ("市工信局", "市发改委", "市科技局", "市市场监管局"),
    "三、发展重点 > （三）推动前瞻性产业创新发展 > 1. 量子科技": ("市大数据委", "市科技局"),
    "三、发展重点 > （三）推动前瞻性产业创新发展 > 2. 未来网络": ("市大数据委", "市工信局", "市通管办"),
    "四、重点任务 > （一）以龙头扶引带动产业发展": ("市工信局", "市大数据委", "市招商服务中心"),
    "四、重点任务 > （二）以平台建设促进科技创新": ("市科技局", "市发改委", "市工信局", "市大数据委", "市教育局"),
    "四、重点任务 > （三）以场景建设打造试点示范": ("市大数据委", "市工信局", "市自然资源和规划局", "市建设局", "市文旅局"),
    "四、重点任务 > （四）以载体建设引领产业集聚": ("市工信局", "市科技局", "市大数据委"),
}


@pytest.fixture(scope="module")
def notice() -> Document:
    return parse_document(read_sources(CORPUS)[0])


@pytest.fixture(scope="module")
def guangan() -> dict[str, Document]:
    return {s.doc_id: parse_document(s) for s in read_sources(TEST_DATA)}


def _path(c) -> str:  # type: ignore[no-untyped-def]
    return " > ".join(c.section_path)


def test_every_clause_with_units_has_exactly_the_listed_units(notice: Document) -> None:
    got = {_path(c): c.responsibility.units for c in notice.clauses if c.responsibility is not None}
    assert got == NOTICE_UNITS
    assert len(got) == 13


def test_clauses_without_a_note_have_no_units(notice: Document) -> None:
    without = [_path(c) for c in notice.clauses if c.responsibility is None]
    assert without == ["导语", "一、指导思想", "二、发展目标", "二、发展目标", "二、发展目标", "二、发展目标", "二、发展目标",
                       "三、发展重点", "五、保障措施 > （一）细化行动方案", "五、保障措施 > （二）加大政策支持",
                       "五、保障措施 > （三）营造发展氛围"]


def test_etc_is_kept_for_scenes(notice: Document) -> None:
    resp = {_path(c): c.responsibility for c in notice.clauses if c.responsibility is not None}
    scenes = resp["四、重点任务 > （三）以场景建设打造试点示范"]
    assert scenes.has_etc is True
    assert scenes.units[-1] == "市文旅局"
    assert scenes.display() == "市大数据委、市工信局、市自然资源和规划局、市建设局、市文旅局等"
    assert scenes.text == "（责任单位：市大数据委、市工信局、市自然资源和规划局、市建设局、市文旅局等）"
    assert [p for p, r in resp.items() if r.has_etc] == ["四、重点任务 > （三）以场景建设打造试点示范"]


def test_the_not_listed_again_note_is_recorded_and_inherited(notice: Document) -> None:
    with_units = [c for c in notice.clauses if c.responsibility is not None]
    first = with_units[0].responsibility
    assert _path(with_units[0]) == "三、发展重点 > （一）推动前沿新材料产业跨越发展"
    assert first.note == NOTE
    assert first.text.startswith("〔责任单位：市工信局、市科技局、市发改委，") and first.text.endswith("不再列出〕")
    assert first.inherited_units == ()
    for c in with_units[1:]:
        assert c.responsibility.inherited_units == LOCAL, _path(c)
        assert c.responsibility.note == ""


def test_responsibility_separated_by_a_page_break_is_parsed(notice: Document) -> None:
    c = next(c for c in notice.clauses if "四是建立“揭榜挂帅”制度" in c.text)
    r = c.responsibility
    assert r is not None
    assert r.units == ("市科技局", "市发改委", "市工信局", "市大数据委", "市教育局")
    assert r.text == "（责任单位：市科技局、市发改委、市工信局、市大数据委、市教育局）"
    assert notice.text[r.start:r.end] == r.text
    assert r.end == c.end


def test_note_text_and_spans_are_verbatim(notice: Document) -> None:
    for c in notice.clauses:
        r = c.responsibility
        if r is None:
            continue
        assert notice.text[r.start:r.end] == r.text
        assert r.text[0] in "（〔" and r.text[-1] in "）〕"
        assert "责任单位：" in r.text
        for u in r.units:
            assert u in r.text


def test_split_units_keeps_brackets_whole() -> None:
    assert split_units("各县（市、区）人民政府、市财政局") == ["各县（市、区）人民政府", "市财政局"]
    assert split_units("市委组织部（市人才办）、市经济信息化局") == ["市委组织部（市人才办）", "市经济信息化局"]
    assert split_units("市工信局、市科技局、市发改委，各县（市）区人民政府、高新区管委会") == [
        "市工信局", "市科技局", "市发改委", "各县（市）区人民政府", "高新区管委会",
    ]


def test_split_units_shares_a_trailing_guanweihui_and_drops_trailers() -> None:
    assert split_units("广安经开区、川渝高竹新区管委会") == ["广安经开区管委会", "川渝高竹新区管委会"]
    assert split_units("各县（市、区）人民政府，广安经开区、川渝高竹新区管委会具体组织实施") == [
        "各县（市、区）人民政府", "广安经开区管委会", "川渝高竹新区管委会",
    ]


def test_parse_responsibility_alone() -> None:
    text = "新建基站。（责任单位：市工信局、市通管办等）"
    resp, note = parse_responsibility(text, 100, None)
    assert note is None
    assert resp is not None
    assert resp.units == ("市工信局", "市通管办") and resp.has_etc
    assert (resp.start, resp.end) == (105, 100 + len(text))
    assert parse_responsibility("由各牵头部门负责，分行业细化制定行动方案。", 0, None) == (None, None)


def test_guangan_units(guangan: dict[str, Document]) -> None:
    doc = guangan["guangan_manufacturing_gongga_2022"]
    resp = {c.section_path[-1]: c.responsibility for c in doc.clauses if c.responsibility is not None}
    assert len(resp) == 11
    first = resp["（一）支持进阶上档"]
    assert first.units == ("市经济信息化局", "市财政局", "各县（市、区）人民政府", "广安经开区管委会", "川渝高竹新区管委会")
    assert first.text.startswith("〔责任单位：") and first.text.endswith("〕")
    assert first.note == "以下均需各县（市、区）人民政府，广安经开区、川渝高竹新区管委会组织实施，不再列出"
    talent = resp["（二）强化人才队伍建设"]
    assert talent.units == ("市委组织部（市人才办）", "市经济信息化局", "市教育体育局", "市人力资源社会保障局")
    assert talent.text == "〔责任单位：市委组织部（市人才办）、市经济信息化局、市教育体育局、市人力资源社会保障局〕"
    assert resp["（六）提升融资服务"].units == (
        "市金融工作局", "市经济合作局", "市经济信息化局", "市科技局", "市财政局", "市国资委", "人行广安市中心支行", "广安银保监分局",
    )
    assert resp["（一）健全联系服务机制"].units == ("市经济信息化局",)
    for name, r in resp.items():
        if name != "（一）支持进阶上档":
            assert r.inherited_units == ("各县（市、区）人民政府", "广安经开区管委会", "川渝高竹新区管委会"), name


def test_investment_measures_have_no_responsibility_notes(guangan: dict[str, Document]) -> None:
    doc = guangan["guangan_gov_investment_measures_2023"]
    assert all(c.responsibility is None for c in doc.clauses)


# ---------------------------------------------------------------- layouts of the Guang'an library
@pytest.mark.parametrize(("text", "rule", "lead", "units"), [
    ("做好A。（牵头单位：市财政局，责任单位：市发展改革委）", "", ("市财政局",), ("市财政局", "市发展改革委")),
    ("做好B。〔牵头单位：市商务局，责任单位：各县（市、区）人民政府〕", "", ("市商务局",), ("市商务局", "各县（市、区）人民政府")),
    ("C。（责任单位：市教育体育局，市委宣传部、团市委。逗号前为牵头单位，下同）", "", ("市教育体育局",),
     ("市教育体育局", "市委宣传部", "团市委")),
    ("D。（责任单位：市教育体育局，市委宣传部、市市场监管局）", "comma", ("市教育体育局",),
     ("市教育体育局", "市委宣传部", "市市场监管局")),
    ("E。〔市发展改革委、人行广安市中心支行牵头，市级相关部门（单位）配合〕", "", ("市发展改革委", "人行广安市中心支行"),
     ("市发展改革委", "人行广安市中心支行", "市级相关部门（单位）")),
    ("F。（市卫生健康委、市发展改革委、市财政局负责）", "first", ("市卫生健康委",),
     ("市卫生健康委", "市发展改革委", "市财政局")),
    ("G。（市卫生健康委负责。排在第一位的部门为牵头部门，下同）", "", ("市卫生健康委",), ("市卫生健康委",)),
    # layouts of other cities' notices: a deadline closing the note, 「按职责分工负责」, 「X牵头，Y配合」 in round brackets
    ("H。（牵头单位：市发展改革委；配合单位：市财政局、市审计局；完成时限：2023年12月底前）", "", ("市发展改革委",),
     ("市发展改革委", "市财政局", "市审计局")),
    ("I。（责任单位：市医保局，完成时限：长期坚持）", "", (), ("市医保局",)),
    ("J。（责任单位：市大数据局；时间节点：2024年6月）", "", (), ("市大数据局",)),
    ("K。（市行政审批局牵头，市级有关部门配合；2023年底前完成）", "", ("市行政审批局",), ("市行政审批局", "市级有关部门")),
    ("L。（市政府办公室、市审改办牵头，市级各有关部门按职责分工负责）", "", ("市政府办公室", "市审改办"),
     ("市政府办公室", "市审改办", "市级各有关部门")),
    ("M。（市公安局牵头，市交通运输局、市应急局参与）", "", ("市公安局",), ("市公安局", "市交通运输局", "市应急局")),
])
def test_lead_and_support_are_kept_apart(text: str, rule: str, lead: tuple, units: tuple) -> None:
    from policyqa.corpus.responsibility import parse_responsibility

    r, _ = parse_responsibility(text, 0, None, lead_rule=rule)
    assert r is not None and r.lead == lead and r.units == units


def test_a_parenthesis_naming_no_unit_is_no_note() -> None:
    r, _ = parse_responsibility("（二）强化合作。鼓励产学研协同（由企业牵头，高校配合）。", 0, None)
    assert r is None


def test_a_reference_in_brackets_is_no_note() -> None:
    from policyqa.corpus.responsibility import parse_responsibility

    assert parse_responsibility("《关于…的实施意见》（广安府发〔2014〕52号）同时废止。", 0, None)[0] is None


def test_a_note_in_mid_paragraph_closes_its_clause() -> None:
    """Lost line breaks: 「…（责任单位：…）提升智育水平。…」 is two clauses, the second with its own name."""
    from conftest import LIBRARY
    from policyqa.corpus.load import read_sources
    from policyqa.corpus.structure import parse_document

    src = next(s for s in read_sources(LIBRARY) if s.doc_id == "guangan_basic_education_2021")
    doc = parse_document(src)
    named = {c.heading: c.responsibility for c in doc.clauses if c.responsibility and c.heading}
    assert named["提升智育水平"].lead == ("市教育体育局",)
    assert named["加强劳动教育"].units[-1] == "市妇联"


def test_label_lines_without_brackets_close_the_clause_above() -> None:
    """「牵头单位：…。」 and 「责任单位：…。」 on lines of their own, as some notices print them."""
    from pathlib import Path

    from policyqa.corpus.load import SourceFile
    from policyqa.corpus.structure import parse_document

    raw = ("某市人民政府办公室关于印发某某实施方案的通知\n一、重点任务\n（一）推进信用建设。加快建设信用平台\n"
           "牵头单位：市发展改革委。\n责任单位：市财政局、市税务局。\n（二）加强宣传。开展诚信宣传。\n牵头单位：市委宣传部。\n")
    doc = parse_document(SourceFile("x", Path("x.txt"), raw, "0"))
    first, second = [c.responsibility for c in doc.clauses if c.responsibility]
    assert first.lead == ("市发展改革委",) and first.units == ("市发展改革委", "市财政局", "市税务局")
    assert doc.text[first.start : first.end].startswith("牵头单位")
    assert second.units == ("市委宣传部",)
