"""Checks of ``answer/kinds/sentences.py`` that need no index, on sentences of the real notices."""

from __future__ import annotations

import pytest

from policyqa.answer.kinds.sentences import _level_not_stated

_PARKS = "对评定为省级现代林业园区的，市财政一次性奖励200万元；对评定为国家级现代林业园区的，市财政一次性奖励500万元。"
_CENTRES = "14.对成功创建国家、省级、市级企业技术中心的，分别给予50万元、20万元、10万元支持。"


@pytest.mark.parametrize("question, evidence, refused", [
    ("被评为市级现代林业园区能拿多少奖金？", _PARKS, "市级"),  # only the 省级 and 国家级 parks are rewarded
    ("被评为省级现代林业园区能拿多少奖金？", _PARKS, ""),
    ("创建国家级企业技术中心给多少？", _CENTRES, ""),  # 「国家、省级、市级」 writes the shared 级 once
    ("创建县级企业技术中心给多少？", _CENTRES, "县级"),
    ("县级现代林业园区奖多少？", "对评定为市级以上现代林业园区的给予奖励。", "县级"),  # 市级以上 leaves 县级 out
    ("省级现代林业园区奖多少？", "对评定为市级以上现代林业园区的给予奖励。", ""),  # … and takes 省级 in
    ("市级示范项目奖多少？", _PARKS, ""),  # the evidence gives no levels of 示范项目
])
def test_a_level_asked_that_the_evidence_gives_only_others_of(question: str, evidence: str, refused: str) -> None:
    assert _level_not_stated(question, evidence) == refused


@pytest.mark.parametrize("sentence, noun, tied", [
    ("第十三条在我市从事网约车服务的驾驶员，应当符合以下条件：", "条件", True),  # introduces the items that follow
    ("第七条企业不得开展以下投资：", "投资", True),
    ("定标因素包括价格、技术、质量、服务等。", "因素", True),
    ("第十一条拟在我市从事网约车经营的车辆，应当符合以下条件：", "驾驶员", False),  # the items are the car's
    ("森林防火期内，应当遵守以下规定：", "条件", False),
    ("企业应当具备相应条件，并报市国资委备案。", "条件", False),  # names the noun, introduces nothing
])
def test_a_sentence_that_introduces_items_as_the_noun_asked_ties_a_list_to_it(sentence: str, noun: str, tied: bool) -> None:
    from policyqa.answer.kinds.sentences import _tied_list

    assert _tied_list(sentence, noun) is tied


def test_the_noun_after_which_ones_is_read_before_a_verb() -> None:
    """「哪些投资是禁止做的」 lists 投资, as 「哪些投资？」 would."""
    from policyqa.answer.kinds.sentences import _LIST_NOUN_AFTER

    assert [m.group(1) for q in ("国企哪些投资是禁止做的？", "司机要满足哪些条件？", "哪些企业要备案")
            for m in [_LIST_NOUN_AFTER.search(q)] if m] == ["投资", "条件", "企业"]
