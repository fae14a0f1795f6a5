"""The department types an 办法's articles name a bureau by (``answer/kinds/duties.py``)."""

from __future__ import annotations

from policyqa.answer.kinds.duties import type_names


def test_a_bureau_is_one_of_the_department_types_articles_write() -> None:
    assert "民政部门" in type_names("市民政局") and "财政主管部门" in type_names("市财政局")
    # 「市场监督管理部门负责…的安全监察」 names 市市场监督管理局 by its full type, as well as 「市场监督部门」
    names = type_names("市市场监督管理局")
    assert "市场监督管理部门" in names and "市场监督部门" in names
    assert "市场监管部门" in type_names("市市场监管局")
