"""Which notice a question is about, on the real 26-notice library."""

from __future__ import annotations

import pytest

from conftest import LIBRARY, ROOT
from policyqa.corpus.load import read_sources
from policyqa.corpus.structure import parse_document
from policyqa.retrieve.scope import ScopeResolver, core_title, restates_title
from policyqa.text.tokenize import Tokenizer


@pytest.fixture(scope="module")
def resolver() -> ScopeResolver:
    return ScopeResolver([parse_document(s) for s in read_sources(LIBRARY)], Tokenizer())


@pytest.mark.parametrize(("question", "doc_id"), [
    ("广安殡葬事业实施方案有哪些保障措施？", "guangan_funeral_services_2022"),  # short title
    ("网约车细则施行日期", "guangan_ride_hailing_2021"),  # a word only that notice's body uses
    ("文号是广安府办规〔2022〕8号的文件叫什么", "guangan_manufacturing_gongga_2022"),  # 文号
    ("广安府办规[2022]8号讲了什么", "guangan_manufacturing_gongga_2022"),  # ASCII brackets
    ("建筑垃圾乱倒怎么罚", "guangan_construction_waste_2022"),
    ("哪些部门负责未来能源？", "fuzhou_future_industries_2023"),
])
def test_a_named_notice_is_resolved(resolver: ScopeResolver, question: str, doc_id: str) -> None:
    scope = resolver.resolve(question)
    assert scope.confident and scope.doc_ids[0] == doc_id, (scope.doc_ids, scope.scores.get(doc_id))


def test_a_question_that_names_no_notice_has_no_scope(resolver: ScopeResolver) -> None:
    assert not resolver.resolve("有哪些保障措施？").confident


@pytest.mark.parametrize("question", ["那到2022年呢？", "2020年的呢？", "到2025年要完成多少？"])
def test_a_year_alone_names_no_notice(resolver: ScopeResolver, question: str) -> None:
    """Digits shared with a title that holds a year (「2023年森林防火命令」) are no naming words."""
    assert not resolver.resolve(question).confident


@pytest.mark.parametrize(("question", "doc_id"), [
    ("文旅若干政策里对景区有什么奖励？", "guangan_culture_tourism_2022"),  # 「文旅」 contracts 文化旅游; 「若干政策」 is in 4 titles
    ("社科评奖办法什么时候施行？", "guangan_social_science_awards_2022"),  # 社会科学
])
def test_a_contraction_of_the_title_names_the_notice_alone(resolver: ScopeResolver, question: str, doc_id: str) -> None:
    assert resolver.resolve(question).doc_ids == (doc_id,)


def test_words_in_a_third_of_the_library_are_common(resolver: ScopeResolver) -> None:
    common = resolver.common_terms()
    assert {"企业", "发展"} <= common and "网约车" not in common and "殡葬" not in common


def test_title_words_name_the_notice_not_the_topic(resolver: ScopeResolver) -> None:
    scope = resolver.resolve("广安市社会信用体系建设工作实施方案中，政务诚信建设由哪个部门牵头？")
    assert scope.doc_ids == ("guangan_social_credit_2017",)
    assert "信用" in scope.matched_terms and "政务" not in scope.matched_terms


def test_a_year_that_names_another_notice_is_a_mismatch(resolver: ScopeResolver) -> None:
    assert resolver.resolve("2021年森林防火命令什么时候发布的").year_mismatch == "2021"
    assert resolver.resolve("2023年森林防火命令什么时候发布的").year_mismatch == ""
    # a target year inside a notice names no notice
    assert resolver.resolve("基础教育方案到2025年普惠性幼儿园覆盖率要多少").year_mismatch == ""


def test_core_title_drops_the_wrapper() -> None:
    assert core_title("广安市人民政府关于印发《广安市政府投资管理办法》的通知") == "广安市政府投资管理办法"
    assert core_title("广安市人民政府办公室关于构建尊医重卫长效机制的实施意见") == "构建尊医重卫长效机制的实施意见"


@pytest.mark.parametrize(("question", "named"), [
    ("府办规2023年4号那个意见", True),
    ("广安府办规[2023]4号", True),
    ("广安府办规（2023）第4号", True),
    ("府办规2023年14号", False),
    ("府办规2022年4号", False),
    ("规2023年4号", False),  # one character of the organ's code names nothing
])
def test_a_document_number_written_loosely_still_names_its_notice(question: str, named: bool) -> None:
    from policyqa.retrieve.scope import _loose_number

    assert _loose_number("广安府办规〔2023〕4号", question) is named


def test_a_city_named_in_the_question_breaks_a_tie_of_title_words() -> None:
    """「青陂养老补贴办法」: another city's 老年助餐服务补贴 guide shares its title words 老、补贴 nearly as well, but the
    question names the city, and that city's notice is the one meant."""
    synthetic = ROOT / "evals" / "synthetic" / "corpus"
    docs = [parse_document(s) for folder in (LIBRARY, synthetic) for s in read_sources(folder)]
    scope = ScopeResolver(docs, Tokenizer()).resolve("青陂养老补贴办法中，市财政局负责哪些事？")
    assert scope.doc_ids == ("qingbei_elderly_care_2023",)


def test_a_city_named_with_no_title_fitting_keeps_the_search_in_that_citys_notices(resolver: ScopeResolver) -> None:
    """「广安对未来能源有什么支持」: no 广安 notice fits the words (the Fuzhou notice does); the city named rules it out — a
    place scope, searched in but naming no notice (so no notice's words are taken for its name)."""
    scope = resolver.resolve("广安对未来能源有什么支持？")
    assert scope.reason == "place" and not scope.confident
    assert len(scope.doc_ids) == 25 and all(d.startswith("guangan_") for d in scope.doc_ids)


def test_a_place_is_the_jurisdiction_a_notice_opens_with() -> None:
    """「…石湖市2025年城镇老旧小区改造…」: 石湖 is its place; 「老旧小区」 makes no place 「老旧小」."""
    from policyqa.retrieve.scope import places_of

    synthetic = ROOT / "evals" / "synthetic" / "corpus"
    shihu = next(parse_document(s) for s in read_sources(synthetic) if s.doc_id == "shihu_old_community_renovation_2025")
    assert places_of(shihu) == {"石湖"}


def test_a_year_picks_the_version_issued_that_year_among_same_titled_notices() -> None:
    synthetic = ROOT / "evals" / "synthetic" / "corpus"
    docs = [parse_document(s) for folder in (LIBRARY, synthetic) for s in read_sources(folder)]
    resolver = ScopeResolver(docs, Tokenizer())
    both = resolver.resolve("白沙洲高龄老人津贴管理办法规定每月发多少？")
    assert set(both.doc_ids) == {"baisha_elderly_allowance_2021", "baisha_elderly_allowance_2025"} and not both.names_year
    assert resolver.resolve("2021年的白沙洲高龄老人津贴管理办法文号是多少？").doc_ids == ("baisha_elderly_allowance_2021",)


def test_a_notice_of_no_known_place_is_not_ruled_out_by_the_city_named() -> None:
    """「关于鹤汀大道…的通告」 is signed by no organ the parser reads and its title opens with no city: a question naming 鹤汀
    cannot rule it out (it was left out of the city's notices, and the question answered from another 鹤汀 notice)."""
    from policyqa.retrieve.scope import may_be_of

    synthetic = ROOT / "evals" / "synthetic" / "corpus"
    docs = [parse_document(s) for s in read_sources(synthetic) if s.doc_id.startswith("heting_")]
    scope = ScopeResolver(docs, Tokenizer()).resolve("鹤汀大道快速化改造工程（二期）全长有多少公里？")
    assert scope.doc_ids[0] == "heting_traffic_control_2025"
    assert may_be_of(set(), {"鹤汀"}) and may_be_of({"鹤汀"}, {"鹤汀"}) and not may_be_of({"广安"}, {"鹤汀"})


def test_the_office_that_issued_a_notice_names_no_title(resolver: ScopeResolver) -> None:
    """「广安市政府办」 is who issued the notice — the office behind most of the library; its 「市政府」 must not pick the
    one title holding those characters (「广安市政府投资管理办法」)."""
    scope = resolver.resolve("广安市政府办那个殡葬的方案，有哪些保障措施？")
    assert scope.doc_ids == ("guangan_funeral_services_2022",)


def test_a_notice_named_in_everyday_words_is_found_by_its_titles_words(resolver: ScopeResolver) -> None:
    """「网上看病的意见」 names the 「互联网+医疗健康」 notice in everyday words: the synonym data's formal words
    (互联网, 医疗) are matched against titles too, and the hospital-management 方案 of the same year no longer ties."""
    scope = resolver.resolve("广安网上看病的意见，医院有什么要求？")
    assert scope.doc_ids == ("guangan_internet_healthcare_2019",), scope.scores


def test_the_city_in_one_notices_title_names_none_of_that_citys_notices() -> None:
    """「白溪市…加装电梯…」: of three 白溪 notices only 《白溪市公共租赁住房管理实施细则》 carries the city in its title; the
    city picks the three (a place scope), and the words that name one of them (加装电梯 of the 答复) decide, not the city."""
    synthetic = ROOT / "evals" / "synthetic" / "corpus"
    docs = [parse_document(s) for folder in (LIBRARY, synthetic) for s in read_sources(folder)]
    resolver = ScopeResolver(docs, Tokenizer())
    assert resolver.resolve("白溪市老旧小区加装电梯工作由哪个部门牵头？").doc_ids[0] == "baixi_jiazhuang_dianti_2025"
    assert resolver.resolve("白溪市2025年技能提升补贴，高级工证书能领多少钱？").doc_ids[0] == "baixi_wengang_kuogang_2025"
    assert resolver.resolve("白溪市公租房管理实施细则里租金怎么定？").doc_ids[0] == "baixi_gongzufang_2025"


@pytest.mark.parametrize(("heading", "title", "restates"), [
    # a 公示's 附件 named after the notice: its rows' title names the notice, not a topic
    ("2025年度澜沧湾市企业研发投入后补助拟奖励名单", "澜沧湾市科学技术局澜沧湾市财政局关于2025年度企业研发投入后补助拟奖励名单的公示", True),
    ("广安市网络预约出租汽车经营服务管理实施细则", "广安市人民政府办公室关于印发《广安市网络预约出租汽车经营服务管理实施细则》的通知", True),
    ("补助标准及审核情况", "澜沧湾市科学技术局澜沧湾市财政局关于2025年度企业研发投入后补助拟奖励名单的公示", False),
    ("（三）殡葬设施建设", "广安市人民政府办公室关于印发《广安市殡葬事业发展实施方案》的通知", False),
    ("目标", "关于推进目标管理的通知", False),  # too short to say anything either way
])
def test_a_heading_that_restates_its_notice_title_is_told(heading: str, title: str, restates: bool) -> None:
    assert restates_title(heading, title) is restates
