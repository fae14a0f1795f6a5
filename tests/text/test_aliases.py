"""Department abbreviation <-> full-name aliases, used in both directions and found inside questions."""

from __future__ import annotations

import pytest

from policyqa.text.aliases import AliasTable


@pytest.fixture(scope="module")
def table() -> AliasTable:
    return AliasTable()


@pytest.mark.parametrize(
    ("short", "full"),
    [("市发改委", "市发展和改革委员会"), ("市工信局", "市工业和信息化局")],
)
def test_abbreviation_and_full_name_are_the_same_department_both_ways(table: AliasTable, short: str, full: str) -> None:
    assert table.canonical(short) == table.canonical(full) == short
    assert table.same(short, full) and table.same(full, short)
    assert full in table.names(short)
    assert short in table.names(full)


@pytest.mark.parametrize(("short", "full"), [
    # how citizens name the bureaus a city's bulletins and minutes write in full
    ("城管局", "市城市管理局"), ("市卫健委", "市卫生健康委员会"), ("医保局", "市医疗保障局"), ("市应急局", "市应急管理局"),
])
def test_everyday_names_of_city_bureaus_are_the_bureaus(table: AliasTable, short: str, full: str) -> None:
    assert table.find(f"{short}负责什么？") == [table.canonical(full)]


def test_different_departments_are_not_the_same(table: AliasTable) -> None:
    assert not table.same("市工信局", "市科技局")
    assert not table.same("市发改委", "市工业和信息化局")


def test_find_maps_full_names_in_a_question_to_canonical_names(table: AliasTable) -> None:
    assert table.find("市工业和信息化局参与了哪些工作？") == ["市工信局"]
    assert table.find("市发展和改革委员会、市工业和信息化局分别负责什么") == ["市发改委", "市工信局"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("市科技局和市工信局共同负责哪些工作？", ["市科技局", "市工信局"]),
        ("市科技局与市工信局", ["市科技局", "市工信局"]),
        ("市发展和改革委员会和市工业和信息化局分别负责什么", ["市发改委", "市工信局"]),
    ],
)
def test_find_two_departments_joined_by_a_conjunction(table: AliasTable, question: str, expected: list[str]) -> None:
    assert table.find(question) == expected


def test_find_handles_a_city_prefix(table: AliasTable) -> None:
    assert table.find("福州市工信局负责哪些工作？") == ["市工信局"]
    assert table.find("福州市发展和改革委员会参与了什么") == ["市发改委"]
    assert table.canonical("福州市工信局") == "市工信局"


def test_find_handles_a_missing_shi(table: AliasTable) -> None:
    assert table.find("工信局负责什么？") == ["市工信局"]
    assert table.find("发改委和科技局") == ["市发改委", "市科技局"]


def test_find_keeps_order_of_first_mention_and_dedupes(table: AliasTable) -> None:
    text = "市科技局、市工业和信息化局、市工信局、市科学技术局"
    assert table.find(text) == ["市科技局", "市工信局"]


def test_unit_names_seen_in_the_corpus_join_the_table() -> None:
    t = AliasTable(["市通管办", "市新设数据局"])
    assert t.canonical("市新设数据局") == "市新设数据局"
    assert t.find("市新设数据局负责什么") == ["市新设数据局"]
    assert t.same("市通管办", "市通信管理办公室")


def test_unknown_name_has_no_canonical_form(table: AliasTable) -> None:
    assert table.canonical("市气象局") is None
    assert table.names("市气象局") == ["市气象局"]
    assert table.find("明天天气怎么样") == []


def test_a_name_that_holds_the_city_is_found_as_written() -> None:
    # 「广安市中心支行」 looks like the city prefix before 「中心支行」; cutting it to 「市中心支行」 lost the name
    t = AliasTable(["人行广安市中心支行", "市工信局"])
    assert t.find("人行广安市中心支行负责哪些工作？") == ["人行广安市中心支行"]
    assert t.canonical("人行广安市中心支行") == "人行广安市中心支行"
    assert t.find("广安市工信局和人行广安市中心支行") == ["市工信局", "人行广安市中心支行"]


def test_a_name_ending_in_ban_is_not_found_inside_banfa() -> None:
    """「市考核办」 is a unit; 「考核办法」 names a rule, not it."""
    table = AliasTable(["市考核办", "市财政局"])
    assert table.find("桂川农村人居环境整治考核办法里，市财政局负责什么？") == ["市财政局"]
    assert table.find("市考核办负责什么？") == ["市考核办"]


def test_a_districts_bureau_is_not_the_citys() -> None:
    table = AliasTable(["市住房和城乡建设局", "住房和城乡建设局"])
    assert table.find("通报要求各区住房和城乡建设局做哪些事？") == []
    assert len(table.find("市住房和城乡建设局做哪些事？")) == 1
