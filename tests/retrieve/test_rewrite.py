"""Follow-up questions resolved from the conversation history (the real rewriter, built from the real index)."""

from __future__ import annotations

import pytest

from policyqa.retrieve.rewrite import QueryRewriter
from policyqa.text.tokenize import Tokenizer
from policyqa.types import Turn


@pytest.fixture(scope="module")
def rewriter(assistant) -> QueryRewriter:  # type: ignore[no-untyped-def]
    return assistant.rewriter


def _users(*questions: str) -> list[Turn]:
    out: list[Turn] = []
    for q in questions:
        out += [Turn("user", q), Turn("assistant", "（回答略）")]
    return out


def test_ellipsis_takes_the_new_topic_and_keeps_the_intent(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("那未来医疗呢？", _users("新一代光电由哪些部门负责？"))
    assert "未来医疗" in out and "负责" in out
    assert "新一代光电" not in out
    assert out == "未来医疗由哪些部门负责？"


def test_pronoun_refers_to_the_topic_of_the_last_turn(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("它重点发展什么？", _users("元宇宙由哪些部门负责？"))
    assert "元宇宙" in out and "重点发展" in out
    assert "它" not in out


def test_bare_intent_borrows_the_previous_topic(rewriter: QueryRewriter) -> None:
    assert rewriter.rewrite("由哪些部门负责？", _users("量子科技重点发展什么？")) == "量子科技由哪些部门负责？"


def test_follow_up_chains_through_several_turns(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("那未来网络呢？", _users("新一代光电由哪些部门负责？", "那元宇宙呢？"))
    assert out == "未来网络由哪些部门负责？"


def test_traditional_follow_up_is_normalized_first(rewriter: QueryRewriter) -> None:
    assert rewriter.rewrite("還有未來網絡呢？", _users("新一代光电由哪些部门负责？")) == "未来网络由哪些部门负责？"


@pytest.mark.parametrize(
    "question",
    ["哪些部门负责未来能源？", "市科技局参与了哪些工作？", "要培育多少家头部企业？", "这份文件的文号是多少？"],
)
def test_a_stand_alone_question_is_left_unchanged(rewriter: QueryRewriter, question: str) -> None:
    assert rewriter.rewrite(question, _users("新一代光电由哪些部门负责？")) == question


def test_without_history_only_normalization_happens(rewriter: QueryRewriter) -> None:
    assert rewriter.rewrite("那量子科技呢？", []) == "那量子科技呢？"
    assert rewriter.rewrite(" 未來能源 ", []) == "未来能源"


def test_assistant_turns_are_not_taken_as_topics(rewriter: QueryRewriter) -> None:
    history = [Turn("user", "元宇宙由哪些部门负责？"), Turn("assistant", "「6. 未来医疗」的责任单位是……")]
    assert "元宇宙" in rewriter.rewrite("它重点发展什么？", history)


def test_topic_of_prefers_corpus_names(rewriter: QueryRewriter) -> None:
    assert rewriter.topic_of("新一代光电由哪些部门负责？") == "新一代光电"
    assert rewriter.topic_of("深海空天开发重点发展什么") == "深海空天开发"


def test_a_topic_is_never_taken_from_the_notice_name_and_the_name_is_kept(rewriter: QueryRewriter) -> None:
    def names(text: str) -> str:
        return "某市殡葬改革方案" if "某市殡葬改革方案" in text else ""

    out = rewriter.rewrite("那元宇宙呢？", _users("某市殡葬改革方案里新一代光电由哪些部门负责？"), names)
    assert out.startswith("某市殡葬改革方案") and "元宇宙" in out and "光电" not in out
    # 「它」 after a question about the notice itself is the notice
    out = rewriter.rewrite("它同时废止了哪份文件？", _users("某市殡葬改革方案从什么时候开始施行？"), names)
    assert out.startswith("某市殡葬改革方案") and "废止" in out


def test_a_follow_up_that_asks_its_own_question_is_not_an_ellipsis(rewriter: QueryRewriter) -> None:
    q = "那享受低保的人创业期间还能领多久？"  # only the 那 that links it to the conversation goes
    assert rewriter.rewrite(q, _users("新一代光电由哪些部门负责？")) == "享受低保的人创业期间还能领多久？"
    assert "负责" in rewriter.rewrite("这项工作由哪个部门负责？", _users("元宇宙重点发展什么？"))
    assert rewriter.rewrite("这项工作由哪个部门负责？", _users("元宇宙重点发展什么？")).startswith("元宇宙")


def test_the_new_topic_replaces_the_earlier_noun_phrase_with_the_same_head(rewriter: QueryRewriter) -> None:
    """「那X呢？」 where the earlier question's topic is no corpus name: X takes the place of the noun phrase of its kind."""
    out = rewriter.rewrite("那高中阶段毛入学率呢？", _users("到2025年义务教育巩固率要达到多少？"))
    assert out == "到2025年高中阶段毛入学率要达到多少？"


def test_without_a_phrase_of_the_same_head_the_longest_noun_phrase_is_replaced(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("那领军型创业团队呢？", _users("对新引进全职两院院士怎么奖励？"))
    assert "领军型创业团队" in out and "两院院士" not in out and out.endswith("怎么奖励？")


def test_a_pronoun_takes_the_noun_phrase_the_question_was_about(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("这项工作由哪个部门负责？", _users("到2020年要发展几家互联网医院？"))
    assert out.startswith("互联网医院") and out.endswith("由哪个部门负责？")


def test_a_lone_verb_is_no_topic(rewriter: QueryRewriter) -> None:
    assert rewriter.rewrite("那是什么时候发的？", _users("这个文件是谁发的？")) == "那是什么时候发的？"


def test_a_follow_up_with_another_quantity_swaps_the_quantity(rewriter: QueryRewriter) -> None:
    prev = _users("单项投资5000万元以下的新项目怎么决策？")
    assert rewriter.rewrite("那单项投资2亿元以上的呢？", prev) == "单项投资2亿元以上的新项目怎么决策？"
    assert rewriter.rewrite("那5000万到8000万之间的呢？", prev) == "单项投资5000万到8000万之间的新项目怎么决策？"
    # after a range, the new bound takes the whole range's place, not only its lower end
    ranged = _users("单项投资5000万到8000万的新项目怎么决策？")
    assert rewriter.rewrite("那单项投资2亿以上的呢？", ranged) == "单项投资2亿以上的新项目怎么决策？"
    # the earlier bound's negation goes with it: 「超过」 asked after 「不超过」
    out = rewriter.rewrite("那要是增加超过800万元呢？", _users("项目增加概算不超过200万元的怎么审批？"))
    assert "不超过" not in out and "超过800万元" in out


def test_a_short_follow_up_with_no_noun_of_its_own_takes_the_earlier_topic(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("那一共选多少户？", _users("市级龙头企业由谁来认定？"))
    assert out.startswith("市级龙头企业") and out.endswith("一共选多少户？") and "那" not in out


def test_a_pronoun_that_starts_with_na_is_no_link_word(rewriter: QueryRewriter) -> None:
    assert rewriter.rewrite("那是什么时候发的？", _users("这个文件是谁发的？")) == "那是什么时候发的？"


@pytest.mark.parametrize(("question", "kept"), [
    ("那名师工作室要新建几个？", "名师工作室要新建几个？"),
    ("那么，试行期有多长？", "试行期有多长？"),
    ("那天要做什么？", "那天要做什么？"),  # 那 is a demonstrative here, not a link to the conversation
    ("那家公司呢？", "那家公司呢？"),
])
def test_only_a_linking_na_is_dropped(question: str, kept: str) -> None:
    from policyqa.retrieve.rewrite import unlinked

    assert unlinked(question) == kept


def test_a_demonstrative_for_a_part_takes_the_earlier_topic(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("那这一块是哪些部门负责的？", _users("量子科技打算重点发展哪些方向？"))
    assert "量子科技" in out and "这一块" not in out


def test_a_follow_up_with_another_year_swaps_the_year(rewriter: QueryRewriter) -> None:
    out = rewriter.rewrite("那到2025年呢？", _users("到2030年建成多少个未来产业创新中心？"))
    assert out == "到2025年建成多少个未来产业创新中心？"


def test_a_very_short_follow_up_takes_the_earlier_topic(rewriter: QueryRewriter) -> None:
    assert rewriter.rewrite("要提前多久报告？", _users("元宇宙重点发展什么？")).startswith("元宇宙")


def test_a_short_follow_up_about_the_notice_itself_takes_no_topic() -> None:
    from policyqa.answer.classify import asks_metadata
    from policyqa.text.tokenize import Tokenizer

    rewriter = QueryRewriter(Tokenizer(), ["元宇宙"], about_notice=asks_metadata)
    assert rewriter.rewrite("试行多长时间？", _users("元宇宙重点发展什么？")) == "试行多长时间？"


def test_a_new_place_replaces_the_earlier_place(rewriter: QueryRewriter) -> None:
    # no word of the earlier question ends in 区: the new topic takes the place of the word naming a place (停车场)
    out = rewriter.rewrite("那新建住宅小区呢？", _users("公共停车场建设充电设施有什么比例要求？"))
    assert "新建住宅小区" in out and "停车场" not in out and "充电设施" in out


def test_the_new_topic_takes_the_place_of_the_whole_earlier_phrase() -> None:
    """「那人才子女入学保障这项任务呢？」: the words pointing back (这项任务) are not part of the new topic, and it replaces
    the whole noun phrase the earlier topic heads (「人才公寓建设用地年度供应计划」), not its first words."""
    rw = QueryRewriter(Tokenizer(), topics=["人才公寓"])
    out = rw.rewrite("那人才子女入学保障这项任务呢？", _users("人才公寓建设用地年度供应计划由哪个部门牵头？"))
    assert out == "人才子女入学保障由哪个部门牵头？"


def test_a_new_topic_replaces_the_earlier_word_of_its_head() -> None:
    """「那纯电动的出租车呢？」 after a question on the 燃油车's 燃油附加费: the 车 is replaced, what is asked of it stays;
    「每趟」「收」 frame the question, they are no part of a noun phrase."""
    rw = QueryRewriter(Tokenizer(), topics=[])
    out = rw.rewrite("那纯电动的出租车呢？", _users("燃油车每趟要收燃油附加费吗？"))
    assert out == "纯电动的出租车每趟要收燃油附加费吗？"



def test_another_ordinal_of_the_same_measure_replaces_the_ordinal() -> None:
    """「那第三批呢？」 after 「第一批消费券什么时候发？」 asks of the third batch of the same 消费券."""
    rw = QueryRewriter(Tokenizer(), topics=[])
    assert rw.rewrite("那第三批呢？", _users("第一批消费券什么时候发？")) == "第三批消费券什么时候发？"


def test_another_bound_replaces_the_earlier_range_in_its_unit() -> None:
    """「那100岁以上的呢？」 after 「80到89岁老人的高龄津贴每月多少？」: the range 「80到89岁」 whole gives way, not its end."""
    rw = QueryRewriter(Tokenizer(), topics=["高龄津贴"])
    out = rw.rewrite("那100岁以上的呢？", _users("80到89岁老人的高龄津贴每月多少？"))
    assert out == "100岁以上老人的高龄津贴每月多少？"
