"""Normalization shared by documents and queries: NFKC with CJK punctuation kept, OpenCC t2s, formatting marks."""

from __future__ import annotations

import pytest

from policyqa.corpus.load import read_sources
from policyqa.corpus.structure import parse_document
from policyqa.text.normalize import normalize_query, normalize_text
from conftest import CORPUS, FUZHOU


@pytest.fixture(scope="module")
def notice_text() -> str:
    return parse_document(read_sources(CORPUS)[0]).text


def test_nfkc_folds_full_width_letters_and_digits() -> None:
    assert normalize_text("ＡＢＣ１２３") == "ABC123"
    assert normalize_text("培育３０家头部企业，建成１０个以上") == "培育30家头部企业，建成10个以上"
    assert normalize_text("增速达到２０％以上") == "增速达到20%以上"


def test_cjk_punctuation_is_kept_not_folded_to_ascii() -> None:
    s = "（责任单位：市工信局、市发改委，各县（市）区人民政府）；〔2023〕“揭榜挂帅”《办法》"
    assert normalize_text(s) == s
    out = normalize_text("（一）细化行动方案：依托产业链，")
    assert "（" in out and "）" in out and "：" in out and "，" in out
    assert "(" not in out and ":" not in out and "," not in out


def test_traditional_is_converted_to_simplified() -> None:
    assert normalize_text("「未來產業」") == "「未来产业」"
    assert normalize_text("未來能源由哪些部門負責？") == "未来能源由哪些部门负责？"
    assert normalize_text("加強基礎研究和技術積累") == "加强基础研究和技术积累"


def test_the_notice_own_traditional_characters_are_simplified(notice_text: str) -> None:
    raw = FUZHOU.read_text(encoding="utf-8")
    assert "未來产业创新领军人才" in raw and "技術积累" in raw  # the source really has them
    assert "国际一流的未来产业创新领军人才" in notice_text
    assert "加强基础研究和技术积累" in notice_text
    assert "未來" not in notice_text and "技術" not in notice_text


def test_markdown_bold_marks_are_removed() -> None:
    assert normalize_text("——**建设东南沿海创新策源地。**以中国东南") == "——建设东南沿海创新策源地。以中国东南"
    assert normalize_text("一是**加大龙头企业招商力度**。") == "一是加大龙头企业招商力度。"


def test_bold_marks_are_gone_from_the_parsed_notice(notice_text: str) -> None:
    assert "**" in FUZHOU.read_text(encoding="utf-8")
    assert "**" not in notice_text
    assert "——产业发展生态优化完善。培育一批高层次人才" in notice_text
    assert "一是加大龙头企业招商力度。关注和引育哪吒企业" in notice_text


def test_space_between_cjk_is_collapsed_but_latin_spacing_kept() -> None:
    assert normalize_text("福州市人民政府办公厅 关于加快培育发展未来产业的实施意见") == (
        "福州市人民政府办公厅关于加快培育发展未来产业的实施意见"
    )
    assert normalize_text("光学镜头、LED 等") == "光学镜头、LED 等"
    assert normalize_text("新一代 3D 打印材料") == "新一代 3D 打印材料"
    assert normalize_text("打造 20 个以上重大应用场景") == "打造 20 个以上重大应用场景"


def test_title_in_the_notice_is_joined_and_led_spacing_survives(notice_text: str) -> None:
    assert "福州市人民政府办公厅关于加快培育发展未来产业的实施意见" in notice_text
    assert "光学镜头、LED 等产业链" in notice_text


def test_zero_width_and_ideographic_space_and_line_endings() -> None:
    assert normalize_text("未来\u200b产业\ufeff") == "未来产业"
    assert normalize_text("甲\r\n乙\r丙") == "甲\n乙\n丙"
    assert normalize_text("VR\u3000AR") == "VR AR"


def test_query_is_one_line_with_whitespace_collapsed() -> None:
    assert normalize_query("  未來能源\n由哪些  部門負責？ ") == "未来能源 由哪些部门负责？"
    assert normalize_query("What   about\tLED？") == "What about LED？"


def test_circled_item_numbers_are_kept() -> None:
    """「①坚持…②坚持…」 numbers items; NFKC would fold ① to a bare 1 that reads as a figure."""
    assert normalize_text("工作中坚持以下原则：①坚持市场主导。②坚持创新驱动。") == "工作中坚持以下原则：①坚持市场主导。②坚持创新驱动。"


@pytest.mark.parametrize(("asked", "read"), [
    ("企业一年花了五十万", "企业一年花了50万"),  # 「一年」 stays: as often a phrase as a quantity
    ("我妈今年八十二岁", "我妈今年82岁"),
    ("三个月以内", "3个月以内"),
    ("两万元", "2万元"),
    ("二〇二三年的森林防火命令", "2023年的森林防火命令"),
    ("满十五天", "满15天"),
    ("三十日内", "30日内"),
    ("设备花了两千多万", "设备花了2000多万"),
    ("单项投资两个亿以上的", "单项投资2亿以上的"),  # 「两个亿」 says 「两亿」
    ("投了2个亿", "投了2亿"),
])
def test_a_quantity_written_in_chinese_numerals_is_read_in_digits(asked: str, read: str) -> None:
    assert normalize_query(asked) == read


@pytest.mark.parametrize("kept", ["第三十三条", "一网通办", "十四五规划", "一次性补贴", "五月三十日", "第三年", "三个提高",
                                  "两三个月", "两家市属国企"])
def test_numerals_that_are_no_quantity_stay_words(kept: str) -> None:
    assert normalize_query(kept) == kept


@pytest.mark.parametrize("question, asked", [("乱倒建筑垃圾要罚好多钱？", "罚多少钱"), ("一户能补好多？", "补多少"),
                                             ("好多人都在问", "好多人")])
def test_southwestern_how_much_is_read_as_duoshao(question: str, asked: str) -> None:
    """「罚好多钱」 asks 「罚多少钱」 (before money, or ending the question); 「好多人」 is still 「many people」."""
    assert asked in normalize_query(question)
