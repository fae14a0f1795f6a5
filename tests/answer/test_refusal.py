"""What the evidence must hold for each kind of detail asked (``data/refusal.json``), on sentences of the real notices."""

from __future__ import annotations

import pytest

from policyqa.answer.refusal import UNSUPPORTED_KINDS, detail_ask


def _need(question: str, kind: str):  # type: ignore[no-untyped-def]
    found = dict(detail_ask(question))
    assert kind in found, f"{question!r} should ask for a {kind}: {sorted(found)}"
    return found[kind]


@pytest.mark.parametrize(("question", "kind"), [
    ("新建油茶基地每亩补贴多少钱？", "amount"),
    ("违规私自土葬的罚款是多少？", "amount"),
    ("要把申请材料交到哪个部门？", "department"),
    ("它废止了哪份旧文件，文号是多少？", "document_number"),
    ("低保还能继续拿多久？", "period"),
    ("评奖多久搞一回？", "period"),
    ("申请递交后几个工作日内能办结？", "duration"),
    ("多久能批下来？", "duration"),
])
def test_how_a_question_asks_for_a_kind_of_detail(question: str, kind: str) -> None:
    _need(question, kind)


def test_the_latest_day_to_apply_asks_a_deadline_and_an_hour_count_states_one() -> None:
    """「最晚要在什么时候之前申请」 asks the deadline (「24个月内申请」 states it, 「24小时内上门」 too); 「最晚多久」 asks a span."""
    need = _need("一次性生育补贴最晚要在什么时候之前申请？", "deadline")
    assert need.search("生育补贴应当自子女出生之日起24个月内申请") and need.search("24小时内上门检测")
    assert "deadline" not in dict(detail_ask("最晚多久得上门来测温度？"))
    assert not need.search("每孩补贴2000元")


def test_an_area_or_a_headcount_in_ten_thousands_is_no_amount_of_money() -> None:
    need = _need("每亩补贴多少钱？", "amount")
    assert not need.search("到2025年，全市油樟种植面积达到8万亩以上，油茶种植面积达到1万亩以上")
    assert need.search("最高给予300万元创新创业扶持启动资金支持")
    assert need.search("一次性给予3000元创业补贴")


def test_a_department_to_hand_in_to_is_a_body_that_receives() -> None:
    need = _need("材料交到哪个部门？", "department")
    assert not need.search("对实施省级以上重大科技成果转化项目的中省驻广和市内各类研发机构、企业，最高给予100万元支持")
    assert need.search("应当根据经营区域向相应的交通运输主管部门提出申请")
    assert need.search("市评奖委员会办公室对其进行资格复审")


def test_a_document_number_is_written_in_its_form() -> None:
    need = _need("文号是多少？", "document_number")
    assert need.search("广安府办规〔2022〕12号")
    assert not need.search("造成国有资产损失的，由有关部门按干部管理权限给予处分")


def test_a_time_span_is_not_a_date() -> None:
    need = _need("能存多久？", "period")
    assert need.search("应当在中国内地存储和使用，保存期限不少于2年")
    assert need.search("在创业期间可继续享受最低生活保障待遇，最长不超过6个月")
    assert need.search("每天运动不少于1小时")
    assert not need.search("本实施细则自2022年2月1日起施行")
    assert not need.search("在2017年底前，各地要建立1个以上返乡农民工创业园区")
    assert "period" in UNSUPPORTED_KINDS  # a span is said of the sentence's act: no topic-support check


def test_a_grant_asked_needs_money_given_not_any_sum() -> None:
    need = _need("油茶种植每亩补贴多少钱？", "grant")
    assert not need.search("到2025年，全市油樟种植面积达到8万亩以上，年产樟油2000吨以上，综合产值达到4亿元以上")
    assert need.search("分别给予一次性奖励300万元、200万元")
    assert need.search("每引进一名按省级标准的50%给予配套奖励")
    assert need.search("按其活动支出的50%给予补贴，单户最高不超过10万元")
    assert not need.search("落实完善见习补贴政策，对见习期满留用率达到50%以上的见习单位，确定一定上浮比例予以补贴")
    assert "grant" not in dict(detail_ask("项目总投资金额是多少？"))  # an investment's size is an amount, not a grant


def test_a_rate_asked_is_a_percentage_or_percentage_points() -> None:
    need = _need("对外担保的担保费率按多少收？", "ratio")
    assert not need.search("单笔对外担保1亿元（不含）以下的，由企业按内部决策程序决策实施")
    assert need.search("在贷款基础利率基础上上浮3个百分点以内的，由财政给予贴息")
    assert need.search("资产负债率原则上不超过65%")
    _need("贷款利率上浮多少以内能贴息？", "ratio")


def test_which_website_is_answered_by_a_named_site_and_its_address_by_a_url() -> None:
    need = _need("查信用信息该上哪个网站？", "website")
    assert need.search("建设开通统一对外服务窗口“信用广安”网站")
    assert need.search("信用广安网作为市级公共信用基础数据统一对外发布的平台")
    assert not need.search("应当依法在政府网站公开")  # a kind of site, no name
    address = _need("那个网站的网址是什么？", "contact")
    assert not address.search("建设开通统一对外服务窗口“信用广安”网站")
    assert address.search("网址：www.example.gov.cn")


def test_how_often_is_answered_by_every_year_or_month() -> None:
    need = _need("名单多久调整一次？", "period")
    assert need.search("培育名单实行动态管理，每年调整一次")
    assert need.search("每季度至少开展一次统计分析")
    assert not need.search("培育名单实行动态管理，适时调整")


def test_which_days_asks_for_dates_not_a_span() -> None:
    found = dict(detail_ask("高火险期是哪几天？"))
    assert "period" not in found and found["date"].search("1月16日至5月10日为高火险期")
    assert "period" in dict(detail_ask("高火险期有几天？"))


def test_a_body_that_deals_with_a_case_answers_which_department_to_go_to() -> None:
    need = _need("有人乱倒渣土该找哪个部门？", "department")
    assert need.search("在河道管理范围内倾倒建筑垃圾的，由水务部门依法处理。")
    assert not need.search("随意倾倒、抛撒或者堆放建筑垃圾的。")


def test_how_many_firms_supported_is_a_count_and_a_threshold_no_procedure() -> None:
    assert "grant" not in dict(detail_ask("计划扶持多少家企业成为行业龙头？"))
    assert "grant" in dict(detail_ask("每家企业扶持多少？"))
    assert "procedure" not in dict(detail_ask("多少钱以下的项目可以不把同类业绩当投标门槛？"))
    assert "procedure" in dict(detail_ask("入选的申报门槛是什么？"))


def test_a_cash_prize_is_money_given() -> None:
    need = _need("拿了一等奖能领多少奖金？", "grant")
    assert need.search("一等奖5项，每项奖现金20000元")


def test_off_topic_words_written_in_the_named_notice_are_on_topic() -> None:
    from policyqa.answer.refusal import off_topic

    notice = "各县（市、区）人民政府要根据高温、干旱、大风等高火险天气，适时发布禁火令。"
    assert off_topic("今天广安天气怎么样？")
    assert off_topic("森林防火命令里遇到哪几种天气要发禁火令？", []) is True  # no notice named: chat about the weather
    assert off_topic("森林防火命令里遇到哪几种天气要发禁火令？", [notice]) is False
    assert off_topic("按森林防火命令写一首诗", [notice]) is True


def test_a_list_of_companies_is_asked_for_not_a_list_one_wants_to_join() -> None:
    assert "company" in dict(detail_ask("市级贡嘎培优企业名单里都有哪些？"))
    assert "company" in dict(detail_ask("能给我看看贡嘎培优企业名单吗？"))
    assert "company" not in dict(detail_ask("想进市级贡嘎培优企业名单，营业收入得达到多少？"))  # a threshold is asked


def test_where_people_come_from_is_no_other_places_policy() -> None:
    from policyqa.answer.refusal import foreign_place

    assert foreign_place("陕西的旅行社奖补政策是什么？", {"广安"}) == "陕西"
    assert foreign_place("旅行社从陕西组团来广安，每个游客奖补多少？", {"广安"}) == ""


def test_another_place_beside_the_librarys_own_is_foreign_only_where_it_owns_a_policy() -> None:
    """A question naming the library's city asks that city's notice: 「重庆、陕西那边的团」 are where tourists come from."""
    from policyqa.answer.refusal import foreign_place

    assert foreign_place("我开旅行社的，组织重庆、陕西那边的团来广安耍，广安激发市场活力的政策能给奖补不？", {"广安"}) == ""
    assert foreign_place("广安和陕西的殡葬政策有什么不同？", {"广安"}) == "陕西"
    assert foreign_place("陕西出台的殡葬办法和广安的一样吗？", {"广安"}) == "陕西"


@pytest.mark.parametrize("question", ["课后服务里拓展活动至少要占多大比重？", "担保费具体按什么费率收？", "二手车奖补的占比是多少？"])
def test_a_share_asked_in_other_words_asks_a_ratio(question: str) -> None:
    assert "ratio" in dict(detail_ask(question))


def test_a_notice_of_another_place_is_foreign_even_where_the_library_mentions_the_place() -> None:
    from policyqa.answer.refusal import foreign_place

    corpus = "推动川渝合作，对接重庆市场"  # the library speaks of 重庆, but has no notice of its own
    assert foreign_place("重庆市规范招标投标主体行为的实施意见什么时候施行？", {"广安"}, corpus) == "重庆"
    assert foreign_place("重庆游客来广安旅游有奖补吗？", {"广安"}, corpus) == ""  # no notice of 重庆 is named
    titles = ["广安市关于支持重庆都市圈协同发展的若干措施"]  # a library notice that carries the place in its title
    assert foreign_place("重庆都市圈协同发展的若干措施什么时候施行？", {"广安"}, corpus, titles) == ""


def test_a_word_that_names_the_notice_asks_for_no_detail() -> None:
    """「办事指南」 asks for a procedure, unless it is the name of the notice the question is about."""
    question = "岚州老年助餐补贴办事指南里，低保对象老年人每餐能补贴多少钱？"
    assert "procedure" in dict(detail_ask(question))
    found = dict(detail_ask(question, ("岚州市老年助餐服务补贴办事指南",)))
    assert "procedure" not in found and "amount" in found


def test_money_asked_is_not_answered_by_a_percentage() -> None:
    """「标准是多少钱」: 「留用率达到50%以上」 states no sum of money; a 「补贴标准」 asked without 多少钱 still takes one."""
    from policyqa.answer.refusal import CHECK_ONLY_KINDS

    found = dict(detail_ask("就业见习补贴每人每月的标准是多少钱？"))
    assert "money" in found and "money" in CHECK_ONLY_KINDS
    assert not found["money"].search("对见习期满留用率达到50%以上的见习单位") and found["amount"].search("留用率达到50%以上")
    assert found["money"].search("每人每月补贴1500元")
    assert "money" not in dict(detail_ask("补贴标准是多少？"))


def test_a_deadline_day_asked_needs_a_day_things_are_due_by_not_a_start_date() -> None:
    """「截止时间是几月几号」: 「自2022年10月29日起施行，有效期4年」 gives a start and a span, no day anything is due by."""
    need = dict(detail_ask("市级贡嘎培优企业每年申报认定的截止时间是几月几号？"))["deadline_date"]
    assert not need.search("本行动方案自2022年10月29日起施行，有效期4年。")
    assert need.search("请于2025年3月31日前将申报材料报送市工信局") and need.search("申报截止时间为2025年6月30日")
    assert "deadline_date" not in dict(detail_ask("申报时间是哪天？"))


def test_a_fine_asked_must_be_a_fine_stated() -> None:
    """「虚报服务人次骗补贴的，要罚款多少钱」: a subsidy's amount is no fine."""
    kinds = dict(detail_ask("助餐机构虚报服务人次骗补贴的，要罚款多少钱？"))
    assert "fine" in kinds
    assert not kinds["fine"].search("按照实际服务人次，每人次补贴1元。")
    assert kinds["fine"].search("由民政部门责令退回，并处5000元以上3万元以下罚款。")
