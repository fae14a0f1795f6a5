"""Answers on notices in layouts the shared library lacks (``evals/synthetic/corpus``: fictional notices, written for
that purpose), indexed together with the 26 real ones as distractors: a 工作要点 numbered 「2.1.1」, a 政策问答 of
「问N：/答：」 items, an 办事指南 of 【】 blocks."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import LIBRARY, ROOT, make_settings

pytestmark = pytest.mark.slow  # builds an index of 59 notices (the real ones' vectors come from the shared cache)

SYNTHETIC = ROOT / "evals" / "synthetic" / "corpus"


@pytest.fixture(scope="module")
def layouts_assistant(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from policyqa.pipeline import Assistant

    corpus = tmp_path_factory.mktemp("corpus-layouts")
    for p in [*LIBRARY.glob("*.txt"), *SYNTHETIC.iterdir()]:  # the synthetic notices as .txt, .docx, .pdf and .html
        shutil.copy(p, corpus / p.name)
    return Assistant(make_settings(corpus, tmp_path_factory.mktemp("index-layouts"), today=date(2026, 11, 30)),
                     progress=False)


def test_a_word_of_the_notices_name_asks_for_nothing(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「办事指南」 names the notice: the question asks an amount, not a procedure the answer would have to state."""
    a = layouts_assistant.ask("岚州老年助餐补贴办事指南里，低保对象老年人每餐能补贴多少钱？")
    assert a.answerable and "6元" in a.answer
    assert a.citations[0].doc_id == "lanzhou_elderly_meal_2024"


def test_the_duties_of_a_responsible_departments_block(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「市卫生健康委：负责提供…」 lines under 【责任部门】 give the department its duties."""
    a = layouts_assistant.ask("岚州老年助餐服务补贴办事指南里，市卫生健康委负责哪些工作？")
    assert a.answerable and "计划生育特殊家庭信息" in a.answer


def test_the_lines_of_a_block_answer_which_ones(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("岚州老年助餐服务补贴办事指南列了哪些监督投诉电话？")
    assert all(n in a.answer for n in ("0795-3821090", "0795-3858315", "12345"))


def test_an_area_below_a_threshold_in_square_metres_is_answered(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「80平方米」 is the asker's own figure, met by 「90平方米（含）以下」: no number the notice fails to state."""
    a = layouts_assistant.ask("岚州新市民购房补贴那个问答里，单身的新市民买一套80平方米的新建商品房，能补贴多少？")
    assert a.answerable and "1.5万元" in a.answer


def test_a_task_numbered_in_decimals_is_named_by_what_it_asks(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「2.5.3　完善数字经济统计监测。建立…」: the task's gist is its first sentence after the numbered run-in title."""
    a = layouts_assistant.ask("岚州2024年数字经济工作要点里，市统计局牵头负责的是哪项工作？具体要做什么？")
    assert "完善数字经济统计监测" in a.answer and "数字经济运行监测平台" in a.answer


def test_a_task_table_row_is_named_by_its_task(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """The 分工表 rows of the waste-sorting plan name the department too: the row is listed by its task cell."""
    a = layouts_assistant.ask("临澜生活垃圾分类实施方案里，市机关事务管理局负责哪些工作？")
    assert "公共机构生活垃圾分类全覆盖" in a.answer and "|" not in a.answer


def test_a_question_matching_an_items_question_is_answered_by_its_whole_reply(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「什么时候可以提出申请？」 is the 「问7：」 line's own wording: the answer is its reply from 「答：」 on (the window
    of dates), not the reply's closest sentence (「线上申请渠道全天开放。」) and not the question line again."""
    a = layouts_assistant.ask("岚州新市民购房补贴问答里，什么时候可以提出申请？")
    assert a.answerable and "2023年6月1日至2024年10月31日" in a.answer
    assert a.citations[0].text.startswith("答：") and all(not c.text.startswith("问") for c in a.citations)


def test_a_section_named_like_a_metadata_field_is_asked_inside(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「总体要求里…哪几条原则」: the notice has a 「第一部分 总体要求」, so this asks its ①②③④ principles, not what the
    notice is about; the items are answered by their heads."""
    a = layouts_assistant.ask("渝川新能源汽车行动计划在总体要求里提出要坚持哪几条原则？")
    assert a.question_type == "enumeration"
    assert all(p in a.answer for p in ("市场主导、政府引导", "整车牵引、链群协同", "创新驱动、开放合作", "绿色低碳、安全发展"))


def test_items_numbered_inside_one_paragraph_are_all_listed(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「…并严格落实以下措施：（1）…；（2）…；…（6）…。」 in one paragraph: every item, the first one after the intro too."""
    a = layouts_assistant.ask("渝川扬尘通告要求施工工地落实的几个“100%”措施分别是什么？")
    assert all(w in a.answer for w in ("围挡", "覆盖", "冲洗", "硬化", "湿法作业", "密闭运输"))


def test_a_figure_in_a_standards_block_is_said_by_its_heading(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「特困老年人：每人每月300元」 under 「附件2：补贴标准」: the row names no 补贴, its heading does."""
    a = layouts_assistant.ask("青陂养老补贴办法里，特困老年人每人每月补贴多少钱？")
    assert a.answerable and "300元" in a.answer


def test_one_duty_of_a_sentence_that_gives_several_answers_who(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「市财政局负责…；市市场监管局负责对幼儿园收费行为开展监督检查…；市卫生健康委负责…」: the clause of the task asked."""
    a = layouts_assistant.ask("青陂幼儿园收费解读里，哪个部门负责对幼儿园收费行为开展监督检查？")
    assert "市市场监管局" in a.answer and "市财政局" not in a.answer and "市卫生健康委" not in a.answer
    assert len(a.citations) == 1 and "收费行为" in a.citations[0].text


def test_a_department_with_table_tasks_and_duties_in_the_text_gets_both(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """The DOCX 实施方案: 市财政局 leads rows of its 重点任务分工表 (a Word table) and is given a duty in a paragraph."""
    a = layouts_assistant.ask("市财政局在云梧人才安居工程实施方案里负责哪些事？")
    assert "绩效评价" in a.answer and "5000万元" in a.answer


def test_an_interpretation_gives_the_number_of_the_rule_it_interprets(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 政策解读 has no 文号 of its own; the 办法 its title names is given one beside its name. A notice that has none
    and only cites another's (the 就业创业 意见 cites 川府发〔2015〕38号) says it does not state one."""
    a = layouts_assistant.ask("青陂幼儿园收费解读里解读的那个普惠性民办幼儿园认定和收费管理办法，文号是多少？")
    assert a.answerable and "青教发〔2024〕6号" in a.answer
    b = layouts_assistant.ask("广安就业创业意见的文号是多少？")
    assert not b.answerable and "川府发" not in b.answer


def test_who_leads_a_task_and_by_when(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 分工表 row of the DOCX plan: asked who leads it and by when, the answer gives its 完成时限 as well."""
    a = layouts_assistant.ask("云梧人才安居方案里，“云梧人才安居”服务平台由哪个部门牵头建设？要求什么时候完成？")
    assert "市政务服务数据管理局" in a.answer and "2024年9月底前" in a.answer


def test_a_bureau_named_only_in_the_text_is_asked_for_its_duties(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「市水利局」 is in no 责任单位 note of the library, only in the PDF 预案's 「市水利局：负责…」 lines: still a department."""
    a = layouts_assistant.ask("松阳防汛预案中市水利局负责哪些事？")
    assert a.question_type == "reverse_responsibility" and "洪水防御方案" in a.answer


def test_a_question_naming_a_city_is_about_that_citys_notice(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「松阳停车收费通知」: the 松阳 notice's title says 停放服务收费, another city's 停车设施管理办法 shares more of the
    question's title words; the city decides."""
    a = layouts_assistant.ask("松阳停车收费通知里，市城市管理局负责哪些工作？")
    assert a.answerable and a.citations[0].doc_id == "songyang_parking_fee_2025"


def test_the_tasks_a_department_leads(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「市商务局牵头负责哪些任务」: the rows and paragraphs it leads, not those it supports; few enough to say what each asks
    (the DOCX plan numbers its headings with Word's automatic numbering)."""
    a = layouts_assistant.ask("松阳农村电商行动方案里，市商务局牵头负责哪些任务？")
    assert "牵头单位" in a.answer and "县级电商公共服务中心" in a.answer and "育苗壮干" in a.answer
    assert "健全县乡村三级物流配送体系" not in a.answer  # 市商务局 only supports it


def test_the_meeting_that_passed_a_regulation(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 条例's 「（2024年6月28日…第十九次会议通过…）」 under its title says which meeting passed it."""
    a = layouts_assistant.ask("川湾夜间经济条例是哪次会议通过的？从什么时候开始施行？")
    assert "第十九次会议" in a.answer and "2025年1月1日" in a.answer


def test_a_reporters_question_is_answered_by_the_speakers_reply(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("川湾文旅消费券发布会上说，消费券领取以后多长时间内有效？")
    assert a.answerable and "7日内" in a.answer


def test_a_table_row_is_read_with_its_header(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「| 60周岁及以上老年居民 | 400 | 730 |」 states no 元 of its own; its header 「| 人员类别 | 个人缴费（元/年） | 财政补助（元/年）
    |」 does: the figure is an amount, and the answer quotes the header row above the row so the columns are named."""
    a = layouts_assistant.ask("江屿医保缴费通知里，60周岁及以上老年居民每年的财政补助是多少元？")
    assert a.answerable and "730" in a.answer and "财政补助（元/年）" in a.answer
    assert [c.text.split("|")[1].strip() for c in a.citations[:2]] == ["人员类别", "60周岁及以上老年居民"]


def test_an_old_table_laid_page_is_answered_from_its_body(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("桐山老旧小区改造意见规定既有住宅加装电梯每台补助多少钱？")
    assert a.answerable and "20万元" in a.answer


def test_an_items_figure_is_paid_as_its_list_says(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「（二）90周岁至99周岁的，每人每月400元；」 says no 发放; the sentence introducing the list does (「…分档发放，标准如下：」).
    Asked without a year, the 2025 办法 in force answers, and the 2021 one of the same title is named by its 文号."""
    a = layouts_assistant.ask("白沙洲高龄老人津贴管理办法规定，90到99周岁的老人每月能领多少钱？")
    assert a.answerable and "400元" in a.answer and "分档发放" in a.answer
    assert a.citations[0].doc_id == "baisha_elderly_allowance_2025" and "（沙政办发〔2021〕18号）" in a.answer


def test_a_year_names_the_version_issued_that_year(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("2021年白沙洲高龄津贴管理办法里，市财政局负责哪些工作？")
    assert a.question_type == "reverse_responsibility" and "预算安排" in a.answer
    assert a.citations[0].doc_id == "baisha_elderly_allowance_2021"


def test_a_lead_cell_merged_over_several_task_rows_leads_each(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("白沙洲充电三年行动方案里，既有居住社区的充电设施改造由哪个部门牵头负责？")
    assert "市住房城乡建设局" in a.answer and "每年" not in a.answer.split("。")[0]


def test_the_row_of_the_district_the_asker_names(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("我在临江区开了个小厂，想问问北汀这个数字化转型补贴，该打哪个电话咨询啊？")
    assert "临江区：0591-86451726" in a.answer and "北汀区" not in a.answer


def test_the_tier_that_holds_the_askers_own_age(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    # 「80至89周岁…100元」 ranks first; the asker is 92, in the tier 「90至99周岁老年人，每人每月200元」
    a = layouts_assistant.ask("我爷爷今年92岁了，户口在北汀，按北汀十四五养老规划他每个月能领多少高龄津贴啊？")
    assert "200元" in a.answer and "100元" not in a.answer


def test_a_word_of_an_attachments_title_asks_for_nothing(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    # 「申报指南」 titles the 通知's attachment; the question asks for a list of cases, not for a procedure
    a = layouts_assistant.ask("北汀中小企业数字化转型专项资金申报指南里，有哪些情形不予支持？")
    assert a.answerable and "严重失信主体名单" in a.answer and "破产清算" in a.answer


def test_joint_issuers_are_each_named(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("北汀2025年度中小企业数字化转型专项资金申报通知是哪些部门发的？")
    assert "北汀市工业和信息化局、北汀市财政局" in a.answer


def test_the_askers_own_age_met_by_a_tier_is_stated(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    # 「92」 is in no sentence, but 「90周岁至99周岁」 holds it: the tier's clause of the sentence answers
    a = layouts_assistant.ask("我奶奶住南屏，今年92岁了，按南屏银发经济新政策一个月能领多少高龄津贴啊？")
    assert a.answerable and "200元" in a.answer and "80周岁至89周岁" not in a.answer


def test_a_follow_up_does_not_leave_for_another_citys_notice(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    # 「老旧小区改造」 titles another city's notice; the talk is about 南屏's 加装电梯 guide and names no other city
    a = layouts_assistant.ask("那跟老旧小区改造同步装的呢？", [
        {"role": "user", "content": "南屏加装电梯补助，同一单元有3户以上残疾人或80岁以上老人家庭的，能多补多少？"},
        {"role": "assistant", "content": "每台电梯增加补助3万元。"}])
    assert a.citations and all(c.doc_id == "nanping_elevator_subsidy_2025" for c in a.citations)


def test_items_a_word_list_numbers_are_the_list_its_intro_opens(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("南屏货车禁行通告里，有哪些车辆不受禁行规定限制？")
    assert all(w in a.answer for w in ("警车", "邮政专用车辆", "新能源轻型厢式货车", "有效货车通行证"))


def test_duties_are_headed_by_the_notices_own_name_not_its_issuer(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("南屏货车禁行通告里，市交通运输局负责哪些工作？")
    assert "共同配送中心" in a.answer and "公安局" not in a.answer


def test_a_filler_word_does_not_make_a_metadata_question_about_something_else(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「打算」 names no topic: 「…征求意见稿打算哪天施行」 asks the draft's own 施行 sentence."""
    a = layouts_assistant.ask("柳泉老年人助餐补贴办法的征求意见稿打算哪天开始施行？")
    assert a.answerable and "2026年1月1日" in a.answer


def test_the_asker_s_age_above_a_minimum_age_is_no_figure_the_notice_misses(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「我今年45岁」 is the asker's own age, met by 「年满16周岁」: answered from the subsidy's sentence, not refused."""
    a = layouts_assistant.ask("我今年45岁，在安平跑外卖，以灵活就业人员身份交养老保险，新就业形态劳动者权益保障发布会说的社会保险补贴每月最高多少？")
    assert a.answerable and a.citations[0].doc_id == "anping_xinjiuye_fabuhui_2024" and "年满16周岁" in a.answer


def test_the_asker_s_year_before_a_year_bound_is_no_figure_the_notice_misses(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「1998年建的」 against 「建成于2000年底前」: the asker's year, not a year the notice should state."""
    a = layouts_assistant.ask("我们柳泉的小区是1998年建的，老旧小区改造方案管不管得着？")
    assert a.answerable and "2000年底前" in a.answer


def test_principles_in_one_sentence_of_semicolons_are_listed(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「坚持居民自愿、政府引导；坚持因地制宜、分类施策；…。」 is the whole list of 「（二）基本原则」."""
    a = layouts_assistant.ask("柳泉老旧小区改造行动方案有哪些基本原则？")
    assert a.answerable and "4项" in a.answer
    assert all(x in a.answer for x in ("居民自愿、政府引导", "因地制宜、分类施策", "共建共治共享"))


def test_an_faq_question_is_answered_by_its_answer_not_by_itself(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「问：补贴申请由哪些部门审核？」 matches the asker's words best; what answers is the 「答：」 under it."""
    a = layouts_assistant.ask("西塘高层次人才安居补贴的申请都由哪些部门来审核？")
    assert a.answerable and "答：" in a.answer and "区人才办" in a.answer


def test_an_faq_reply_answers_whole(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「9.问：申领补贴需要准备哪些材料？」 answered 「答：申领人需要提供：（1）…（5）…」 and 「通过政务数据共享…无需重复提供」: the
    reply is one answer, not the sentence of it that best shares the asker's words; its question's second ask
    (「…要交个人所得税吗？会不会影响低保？」) is no part of the reply."""
    a = layouts_assistant.ask("琅溪市生育补贴政策问答里，申领补贴得准备什么材料？")
    assert a.answerable and all(x in a.answer for x in ("身份证件", "出生医学证明", "户口簿", "社会保障卡", "缴费证明"))
    b = layouts_assistant.ask("琅溪生育补贴政策问答中，市医疗保障局在生育医疗费用上有什么举措？")
    assert b.answerable and "1500元" in b.answer
    c = layouts_assistant.ask("琅溪生育补贴问答里，领的补贴会不会影响低保？")
    assert c.answerable and "不计入家庭或者个人收入" in c.answer and "会不会影响低保？答" not in c.answer


def test_the_latest_day_to_apply_is_answered_by_the_time_limit(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「最迟要在什么时候前申请」 asks a deadline: 「自子女出生之日起24个月内申请」, not the amount of the grant named."""
    a = layouts_assistant.ask("琅溪生育补贴问答里，一次性生育补贴最迟要在什么时候前申请？")
    assert a.answerable and "24个月内申请" in a.answer


def test_the_row_of_a_table_the_question_names_is_the_one_answered(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A Word 目标分解表 of one row per county: asked of 白沙县, its row (「白沙县|92.0%|95.0%|98.0%|8.3」) under the header
    that says what each figure is, not the header alone or another county's row."""
    a = layouts_assistant.ask("琅溪农村供水方案里，白沙县2027年底农村自来水普及率要达到多少？")
    assert a.answerable and "白沙县|92.0%|95.0%|98.0%" in a.answer and "2027年底目标" in a.answer
    assert "青岚县" not in a.answer


def test_asked_what_a_department_leads_its_seat_in_a_leading_group_is_no_answer(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「市发展和改革委员会牵头负责的是哪项任务」: the task a note names it lead of, not the 领导小组 it sits in among ten
    members; asked 「负责哪些事、牵头哪些任务」, its duties in the text are part of the answer as well."""
    a = layouts_assistant.ask("琅溪农村供水保障提升方案里，市发展和改革委员会牵头负责的是哪项任务？")
    assert a.answerable and "完善水价形成和水费收缴机制" in a.answer and "领导小组" not in a.answer
    b = layouts_assistant.ask("市财政局在云梧人才安居工程实施方案里负责哪些事、牵头哪些任务？")
    assert "绩效评价" in b.answer and "5000万元" in b.answer


def test_the_tier_a_label_names_is_the_one_answered(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「B类人才的购房补贴」 of 「A类人才200万元，B类人才100万元，…」: the B tier's amount, not the first one."""
    a = layouts_assistant.ask("西塘人才安居补贴办法中，B类人才的购房补贴标准是多少？")
    assert "100万元" in a.answer


def test_a_note_closing_a_part_answers_for_each_of_its_tasks(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「以上工作由市民政局牵头，…配合。」 closes 三、 of the 实施意见: its tasks are the 市民政局's, lead told apart."""
    a = layouts_assistant.ask("白河社区嵌入式服务设施的意见里，普惠托育服务由哪个部门牵头？")
    assert a.answerable and "市民政局" in a.answer and "市自然资源和规划局" not in a.answer
    b = layouts_assistant.ask("白河社区嵌入式服务设施实施意见里，市发展和改革委员会牵头哪些工作？")
    assert "盘活闲置存量资源" in b.answer and "引导社会力量参与" in b.answer


def test_a_tier_under_a_card_heading_is_answered(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("桂川加装电梯补贴一图读懂里，7层以上的楼一台电梯补多少？")
    assert a.answerable and "18万元" in a.answer


def test_a_list_section_asked_in_other_words_for_its_head(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「三、申领程序」 with （一）…（四）, asked 「申领要走哪几个步骤」: 步骤 for 程序 heads the same list."""
    a = layouts_assistant.ask("金塘青年人才安居补贴的申领要走哪几个步骤？")
    assert all(x in a.answer for x in ("网上申请", "单位初审", "部门审核", "资金发放"))


def test_a_notice_named_by_words_of_a_metadata_field_asks_its_topic(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「…废止和修改部分规范性文件的决定中，市司法局负责什么」: 废止 names the notice; the 文号 asked of it is still metadata."""
    a = layouts_assistant.ask("金塘废止和修改部分规范性文件的那个决定里，市司法局要负责什么？")
    assert a.answerable and "监督检查" in a.answer
    b = layouts_assistant.ask("金塘市人民政府关于废止和修改部分规范性文件的决定的文号是什么？")
    assert "金政发〔2025〕9号" in b.answer


def test_a_notice_in_a_two_column_gazette_answers_from_its_own_article(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("沧澜市城市更新专项资金有哪几种支持方式？")
    assert a.citations[0].doc_id == "canglan_chengshi_gengxin_zijin_2025"
    assert all(w in a.answer for w in ("投资补助", "贷款贴息", "以奖代补"))


def test_duties_of_an_article_numbered_with_spaces_and_of_a_yearly_duty(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「第 18 条　市市场监管局负责…」 and 「市财政局每年统筹安排…」: duties the notice gives by sentence, not by note."""
    a = layouts_assistant.ask("沧澜既有住宅加装电梯补贴工作中，市市场监管局管哪些事？")
    assert "使用登记" in a.answer and "安全监督" in a.answer
    b = layouts_assistant.ask("潼溪综合交通规划里，市财政局要负责哪些事？")
    assert "8亿元" in b.answer and "市交通发展基金" in b.answer


def test_who_is_responsible_quotes_the_item_that_names_the_task_only(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """Items 「（四）市民政局负责…；（五）市人力资源社会保障局负责…」: asked who checks marriage records, the one item."""
    a = layouts_assistant.ask("銮川市育儿补贴办理中，婚姻登记信息由哪个部门负责核验？")
    assert "市民政局" in a.answer and "市人力资源社会保障局" not in a.answer


def test_a_row_of_a_space_aligned_table_answers_with_its_header(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("枫桥市区阶梯水价调整以后，第二阶梯综合水价每立方米多少钱？")
    assert "4.63" in a.answer and "调整后综合水价" in a.answer


def test_each_lagging_task_of_a_bulletin_has_its_own_lead(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    history = [{"role": "user", "content": "潼溪三季度重点工作督查通报里，市交通运输局有几项任务滞后？"},
               {"role": "assistant", "content": "2项。"}]
    a = layouts_assistant.ask("那市卫生健康委呢？", history)
    assert "新院区" in a.answer and "老旧小区" not in a.answer


def test_a_row_answers_with_the_caption_that_says_what_its_table_is(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """The 文号 of a notice listed in 「附表1　决定废止的规范性文件目录」: the caption tells the asker it is repealed."""
    a = layouts_assistant.ask("金塘市废止和修改部分规范性文件的决定中，「金塘英才计划」实施细则的文号是多少？现在还有效吗？")
    assert "金政办发〔2020〕63号" in a.answer and "废止" in a.answer


def test_asked_with_no_year_when_no_version_is_in_force_the_one_not_repealed_answers(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """Two years' 清洁取暖 notices under one title pattern; the 2025 one repealed the 2024 one and has expired itself by the
    test's date: asked with no year, the version no other repealed answers (3000元, not the 2024 notice's 3500元)."""
    a = layouts_assistant.ask("汐屿清洁取暖补贴里，装燃气壁挂炉一户最多补多少钱？")
    assert a.answerable and "3000元" in a.answer and a.citations[0].doc_id == "xiyu_clean_heating_subsidy_2025"


def test_who_attended_a_meeting_is_no_duty_of_their_bureaus(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「列席：…万国栋（市水利局局长）…」 names bureaus by their heads' posts: no duty of them."""
    a = layouts_assistant.ask("芷阳市政府第三十一次常务会议纪要里，市水利局要干哪些事？")
    assert a.answerable and "列席" not in a.answer


def test_a_notice_signed_by_no_organ_read_answers_a_question_naming_its_city(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("鹤汀大道快速化改造工程（二期）全长有多少公里？")
    assert a.answerable and "9.6公里" in a.answer and a.citations[0].doc_id == "heting_traffic_control_2025"


@pytest.mark.parametrize(("question", "said"), [
    # 「电话」 in the question is no phone number asked for
    ("按云栖2026年春节值班通知，能不能把值班电话转到手机上、在家守着？", "不得以手机呼叫转移"),
    # 「几个人」 is answered by 「不少于2人」, not by a count in 个
    ("云栖2026年春节值班通知里，一个班次最少要几个人值班？", "2人"),
])
def test_what_the_question_asks_is_read_from_its_words(layouts_assistant, question: str, said: str) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask(question)
    assert a.answerable and said in a.answer


def test_an_interpretation_gives_the_number_of_the_notice_that_issued_its_rule(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「《…关于印发〈雁丘市既有住宅加装电梯财政补助办法〉的通知》（雁府办规〔2025〕4号）」 in the 解读 of 「《…补助办法》」."""
    a = layouts_assistant.ask("雁丘市既有住宅加装电梯财政补助办法的文号是什么？")
    assert a.answerable and "雁府办规〔2025〕4号" in a.answer


def test_a_bureau_asked_by_name_has_the_duties_its_type_is_given(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「市场监督管理部门负责加装电梯的安全监察」 gives 市市场监督管理局 a duty: the full type name, not only 「市场监管部门」."""
    a = layouts_assistant.ask("雁丘市加装电梯补助办法里，市市场监督管理局负责什么？")
    assert a.answerable and "安全监察" in a.answer


def test_which_two_departments_issued_a_joint_notice(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("碧潭市禁止燃放烟花爆竹的通告是哪两个部门联合发布的？")
    assert a.question_type == "metadata" and "碧潭市公安局" in a.answer and "碧潭市应急管理局" in a.answer


def test_a_replys_number_is_asked_by_what_it_replies_to(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 答复 is named by the 建议 it answers (「您提出的《关于加快老旧小区加装电梯的建议》收悉」): 「加装电梯那份人大建议答复」
    asks its own 文号, though 加装电梯 is no word of its title; the city named in another 白溪 notice's title does not
    pull the question there."""
    a = layouts_assistant.ask("白溪市住建局关于老旧小区加装电梯那份人大建议答复，文号是多少？")
    assert a.answerable and "白住建函〔2025〕58号" in a.answer


def test_a_compilations_rule_takes_effect_by_its_own_article(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A DOCX 政策汇编 of three rules, each with its own 施行 sentence: asked of the third, its own date (not the first
    rule's), and what it repealed."""
    a = layouts_assistant.ask("石渠市工業企業首次上規獎勵辦法從什麼時候開始施行？同時廢止了哪個文件？")
    assert "2025年4月1日" in a.answer and "2025年3月1日" not in a.answer and "小升规奖励办法" in a.answer


def test_a_compilations_rule_has_its_own_number(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """Each rule of the 汇编 carries its 文号 on the line under its title: asked of one, that line, as its 文号."""
    a = layouts_assistant.ask("石渠市民营中小微企业贷款贴息办法的文号是什么？")
    assert a.question_type == "metadata" and "的文号是石财规〔2025〕3号" in a.answer
    a = layouts_assistant.ask("石渠市工业企业首次上规奖励办法的文号是多少？")
    assert a.question_type == "metadata" and "石经信规〔2025〕1号" in a.answer and "石财规" not in a.answer


def test_a_rules_own_number_line_answers_nothing_in_it(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「石财规〔2025〕3号」 under the rule's title says which rule it is: it is no amount of interest subsidy."""
    a = layouts_assistant.ask("按石渠市民营中小微企业贷款贴息办法，哪些情况不予贴息？")
    assert "石财规" not in a.answer and "发文机关" not in a.answer


def test_a_sentence_pointing_back_is_quoted_with_what_it_points_to(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「此项由市民政局会同…制定具体办法」: 此项 is the 低保 and 特困 subsidy of the sentence before it."""
    a = layouts_assistant.ask("石渠市加装电梯征求意见采纳情况说明中，市民政局要负责什么工作？")
    assert "此项由市民政局" in a.answer and "低保" in a.answer


def test_a_rule_page_titled_by_its_order_is_the_rule(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    a = layouts_assistant.ask("石渠市户外广告设置管理办法的文号是什么？")
    assert "石渠市人民政府令第27号" in a.answer


def test_the_body_named_as_subject_asks_no_body(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「主管部门多少个工作日内要作出决定」 asks how long; the answer is in the article's first paragraph, the passage
    retrieved being its second (「…不计算在前款规定的期限内，但最长不得超过15个工作日」)."""
    a = layouts_assistant.ask("石渠市户外广告设置管理办法规定，申请设置许可后，主管部门多少个工作日内要作出决定？")
    assert a.answerable and "10个工作日" in a.answer


def test_the_number_of_the_rule_a_reply_is_about(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 征求意见采纳情况的说明 has no 文号; the 方案 it is about was issued 「以石府办发〔2025〕9号文件」 and runs 「有效期至…」."""
    a = layouts_assistant.ask("正式印发的石渠市既有住宅加装电梯实施方案文号是什么？有效期到什么时候？")
    assert "石府办发〔2025〕9号" in a.answer and "2027年12月31日" in a.answer


def test_a_department_praised_in_a_bulletin_is_given_no_duty(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「对…排名前三位的市公安局、…、市人力资源和社会保障局予以通报表扬」 praises it; 「…牵头建立欠薪诉求快速处置通道」
    is what it has to do. The department is named as the notice writes it."""
    a = layouts_assistant.ask("澜沧湾2025年上半年12345热线工单办理情况通报中，市人力资源和社会保障局被要求做什么？")
    assert "欠薪诉求快速处置通道" in a.answer and "通报表扬" not in a.answer
    assert "市人力资源和社会保障局" in a.answer


def test_a_list_titled_like_its_notice_does_not_crowd_out_the_text(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 公示's 拟奖励名单 rows carry the notice's own name as their title: the question names the notice with it, and
    the rows must not outrank the paragraph that states the reward."""
    a = layouts_assistant.ask("瀾滄灣企業研發投入後補助擬獎勵名單公示裡，首次納入規模以上工業企業統計的企業另外獎勵多少錢？")
    assert a.answerable and "20万元" in a.answer and "500万元" in a.answer
    assert "二、补助标准及审核情况" in a.citations[0].section


def test_asked_what_a_department_leads_a_minutes_item_it_leads_answers(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 会议纪要 gives duties in running text (「由X牵头，Y配合」): asked what X leads, the item it leads, not the ones it
    takes part in or the list of those who attended."""
    a = layouts_assistant.ask("澜沧湾市政府第42次常务会议纪要中，市自然资源和规划局牵头负责哪件事？时限是什么？")
    assert "控制性详细规划修改" in a.answer and "10月底前" in a.answer
    assert "列席" not in a.answer and "市住房和城乡建设局牵头" not in a.answer


def test_the_place_asked_of_a_ranking_table_picks_its_row(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """A 通报's ranking tables (排名|单位|…|综合得分): 「排名第一」 is the row ranked 1, 「排最后一名」 the last one."""
    a = layouts_assistant.ask("澜沧湾2025年上半年12345热线通报中，县（市、区）及功能区排名第一的是哪里？综合得分多少？")
    assert "白沙县" in a.answer and "96.59" in a.answer
    a = layouts_assistant.ask("澜沧湾2025年上半年12345热线通报中，市直部门排名情况里排最后一名的是哪个部门？综合得分多少？")
    assert "市城市管理局" in a.answer and "86.58" in a.answer


def test_a_second_ask_of_its_own_is_answered_too(layouts_assistant) -> None:  # type: ignore[no-untyped-def]
    """「一共受理了多少群众诉求？群众满意率是多少？」: the second ask's words (群众满意率) are in no sentence of the first
    answer; the notice's best candidate holding them joins it."""
    a = layouts_assistant.ask("澜沧湾12345热线上半年工单办理情况通报里，上半年一共受理了多少群众诉求？群众满意率是多少？")
    assert "52.86万件" in a.answer and "92.6%" in a.answer
