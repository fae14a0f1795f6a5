"""How a question is taken apart before it is answered (``policyqa.pipeline``)."""

from __future__ import annotations

import pytest

from policyqa.pipeline import question_parts


@pytest.mark.parametrize("question, parts", [
    ("社科优秀成果奖多长时间评一次？公示期是多少天？", ["社科优秀成果奖多长时间评一次？", "公示期是多少天？"]),
    ("网约车细则从哪天施行?有效期多久?", ["网约车细则从哪天施行？", "有效期多久？"]),
    ("网约车细则从哪天施行？", []),  # one ask
    ("医生工资跟开药挂钩吗？广安现代医院管理方案怎么规定的？", []),  # the second part only asks what the notice says
    ("文号是多少？谢谢！", []),  # thanks ask nothing
])
def test_a_question_of_several_asks_is_split_at_its_question_marks(question: str, parts: list[str]) -> None:
    assert question_parts(question) == parts
