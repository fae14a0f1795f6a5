"""Shared answer helpers on sentences of the real notices."""

from __future__ import annotations

import pytest

from policyqa.answer.context import _is_resp, _units_text
from policyqa.corpus.responsibility import parse_responsibility


@pytest.mark.parametrize(("sentence", "note"), [
    ("（责任单位：市工信局、市发改委、市科技局）", True),
    ("〔市教育体育局、市发展改革委、人行广安市中心支行牵头，各区市县政府、园区管委会、市级相关部门（单位）负责〕", True),
    ("（市卫生健康委、市委网信办、市发展改革委、市经济信息化局、市公安局负责）", True),
    ("（一）不得受纳工业垃圾、生活垃圾和有毒有害垃圾；", False),
    ("（二）对依法临时使用土地的建筑垃圾弃置场，使用期限届满，应在规定期限内按规定完成复垦。", False),
    ("市财政局负责统筹安排工作经费。", False),
])
def test_a_responsibility_note_is_told_from_a_sentence(sentence: str, note: bool) -> None:
    assert _is_resp(sentence) is note


def test_a_year_or_a_date_is_no_quantity() -> None:
    from policyqa.answer.context import _has_quantity

    assert not _has_quantity("2019年，市人民医院开展薪酬制度改革试点，加快建立适应医疗行业特点的薪酬制度。", None)
    assert not _has_quantity("对2023年10月1日至2024年3月31日期间，各地发放消费券的支出，市级财政按照一定比例予以补助。", None)
    assert _has_quantity("到2025年，创建省级现代林业园区2个以上。", None)
    assert _has_quantity("每项奖现金20000元", None)
    assert _has_quantity("班主任工作量按当地教师标准课时工作量的一半计算", None)  # a fraction in words
    assert _has_quantity("出席委员人数须达到其成员人数的三分之二以上", None)


def test_an_article_number_counts_nothing() -> None:
    from policyqa.answer.context import _has_quantity

    assert not _has_quantity("第六条处置建筑垃圾的单位，应向城管执法部门提出申请，获得核准后，方可处置。", "个")
    assert not _has_quantity("依照第三章第二节的规定办理。", None)
    assert _has_quantity("第八条城管执法部门应当自受理之日起5个工作日内作出决定。", "个")


def test_a_magnitude_may_stand_between_a_figure_and_its_unit() -> None:
    from policyqa.answer.context import _has_quantity

    # 「要种到多少亩」 is answered by 「8万亩」
    assert _has_quantity("到2025年，全市油樟种植面积达到8万亩以上，油茶种植面积达到1万亩以上。", "亩")
    assert _has_quantity("规模以上企业数量达到1.2万家。", "家")
    assert not _has_quantity("综合产值达到4亿元以上。", "亩")


@pytest.mark.parametrize(("text", "counts"), [
    ("物业服务企业每月至少组织一次防火巡查。", True),
    ("每年开展两轮集中培训。", True),
    ("实行二十四小时值班。", True),
    ("给予一次性奖励。", False),  # 一次性 says how it is paid, not how many times
])
def test_chinese_numerals_count_in_the_common_measure_words(text: str, counts: bool) -> None:
    from policyqa.answer.context import _has_quantity

    assert _has_quantity(text, None) is counts


@pytest.mark.parametrize(("word", "text", "short"), [
    ("高企", "12.对首次创建为高新技术企业的，给予20万元支持。", True),
    ("招投标", "广安市人民政府办公室关于进一步优化营商环境规范招标投标主体行为的实施意见", True),
    ("网约车", "广安市网络预约出租汽车经营服务管理实施细则", True),
    ("高企", "提高质量，支持企业发展", False),  # the characters are there, but across a comma
    ("未来城", "福州市加快培育发展未来产业", False),
])
def test_an_abbreviation_is_found_in_the_name_it_shortens(word: str, text: str, short: bool) -> None:
    from policyqa.answer.context import _abbreviates

    assert _abbreviates(word, text) is short


def test_a_grade_or_a_name_with_a_digit_is_no_quantity() -> None:
    """「国家4A级旅游景区…的县级政府」 names a grade; the quantity asked is in the clause that awards 200万元."""
    from policyqa.answer.context import _has_quantity

    assert not _has_quantity("对新创建国家4A级旅游景区（省级旅游度假区）的县级政府、园区管委会，", None)
    assert not _has_quantity("加快5G网络建设，", None)
    assert _has_quantity("分别给予一次性奖励300万元、200万元。", None)
    assert _has_quantity("全年新建5G基站1800个", None)


def test_an_age_asked_is_answered_by_an_age_only() -> None:
    from policyqa.answer.context import _asked_unit, _has_quantity

    assert _asked_unit("创业青年的年龄上限是多少岁？") == "岁" and _asked_unit("申请人最大多大年纪？") == "岁"
    assert _asked_unit("年龄不能超过几岁？") == "岁" and _asked_unit("补贴多少钱？") != "岁"
    assert _has_quantity("申请人须年满18周岁、不超过45岁", "岁") and _has_quantity("年满十六周岁", "岁")
    # amounts and years are no age: 「贷款周期为3年」
    assert not _has_quantity("发放3万—10万元免息、免担保创业启动资金贷款，贷款周期为3年", "岁")


@pytest.mark.parametrize(("question", "unit"), [
    ("评上省级现代林业园区市里奖多少？", "元"),  # what is paid asks money: the amount, not the 「2个以上」 of a goal
    ("在广安跑网约车，车子得多少钱以上才行？", "元"),
    ("每年奖多少家企业？", "家"),  # a count of what is rewarded stays a count
    ("离林子边上多远以内都算防火管控的范围？", "米"),  # a distance, answered by 「50米范围内」
])
def test_what_is_paid_is_asked_in_money(question: str, unit: str) -> None:
    from policyqa.answer.context import _asked_unit

    assert _asked_unit(question) == unit


def test_a_share_of_them_answers_how_many_and_a_rate_answers_how_much() -> None:
    from policyqa.answer.context import _has_quantity

    assert _has_quantity("2019年6月底前，20%的二级以上公立医院完成章程制定工作。", "家")
    assert not _has_quantity("初步设计提出的投资概算超过投资估算10%的，项目单位应当报告。", "个")
    assert _has_quantity("按研发投入的3%给予补助。", "元") and not _has_quantity("每年开展2次检查。", "元")


@pytest.mark.parametrize(("question", "named"), [
    ("推行医疗收费电子票据管理改革由哪些部门负责？", False),  # the departments: the governments are where it is done
    ("推行医疗收费电子票据管理改革由哪些单位负责？", True),
    ("推行医疗收费电子票据管理改革由谁负责？", True),
    ("哪些部门和单位负责？", True),
])
def test_asked_for_departments_the_governments_a_note_charges_are_left_to_its_quote(question: str, named: bool) -> None:
    resp, _ = parse_responsibility("4.推行医疗收费电子票据管理改革。（市财政局、市卫生健康委、市医疗保障局,各区市县人民政府、园区管委会负责）",
                                   0, None)
    assert resp is not None and "各区市县人民政府" in resp.units
    text, units = _units_text(resp, asks_lead=False, question=question)
    assert "市财政局" in text and "市医疗保障局" in text
    assert ("各区市县人民政府" in text) is named and ("园区管委会" in units) is named


def test_a_notice_number_or_a_named_notice_counts_nothing() -> None:
    from policyqa.answer.context import _has_quantity

    # 「扣多少绩效年薪」 is not answered by the 文号 of the rule the sentence refers to
    assert not _has_quantity("按照《广安市市属国有企业经营投资容错免责试行办法》（广市国资委〔2022〕85号）有关规定实行容错免责。", None)
    assert not _has_quantity("依据《2023年度森林防火命令》执行。", None)
    assert _has_quantity("按照广市国资委〔2022〕85号规定，扣减绩效年薪的30%。", None)
