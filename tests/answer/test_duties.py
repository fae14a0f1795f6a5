"""The department types an 办法's articles name a bureau by (``answer/kinds/duties.py``)."""

from __future__ import annotations

from policyqa.answer.kinds.duties import leads, type_names


def test_a_bureau_is_one_of_the_department_types_articles_write() -> None:
    assert "民政部门" in type_names("市民政局") and "财政主管部门" in type_names("市财政局")
    # 「市场监督管理部门负责…的安全监察」 names 市市场监督管理局 by its full type, as well as 「市场监督部门」
    names = type_names("市市场监督管理局")
    assert "市场监督管理部门" in names and "市场监督部门" in names
    assert "市场监管部门" in type_names("市市场监管局")


def test_a_department_leads_only_where_the_lead_is_its_own() -> None:
    names = ("市自然资源和规划局",)
    assert leads("由市自然资源和规划局牵头，依法依规办理控制性详细规划修改手续，10月底前完成报批；", names)
    assert leads("市发展改革委、市自然资源和规划局牵头，各区配合。", names)  # leading with another
    # a member under another's lead leads nothing
    assert not leads("改造工作由市住房和城乡建设局牵头，市发展和改革委员会、市自然资源和规划局按职责配合。", names)
