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
