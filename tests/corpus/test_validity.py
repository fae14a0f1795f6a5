"""In-force periods read from real 施行 / 有效期 / 废止 sentences."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import LIBRARY
from policyqa.corpus.load import read_sources
from policyqa.corpus.structure import parse_document
from dataclasses import replace

from policyqa.corpus.validity import Validity, repeals, status_of, with_validity


@pytest.fixture(scope="module")
def library() -> dict:
    return {d.doc_id: d for d in with_validity([parse_document(s) for s in read_sources(LIBRARY)])}


@pytest.mark.parametrize(("doc_id", "start", "end"), [
    ("guangan_ride_hailing_2021", "2022-02-01", "2027-01-31"),  # 「自…起施行，有效期5年」 with no closing 。
    ("guangan_forestry_economy_2022", "2022-10-03", "2025-12-31"),  # 「有效期至…」
    ("guangan_culture_tourism_2022", "2022-05-26", "2024-05-25"),  # 「试行期两年」
    ("guangan_funeral_services_2022", "2022-05-07", "2027-05-06"),  # 「从…起实施」
    ("guangan_intellectual_property_2022", "2022-12-18", "2024-12-17"),  # 施行 sentence numbered as an item
])
def test_periods(library: dict, doc_id: str, start: str, end: str) -> None:
    m = library[doc_id].meta
    assert (m.valid_from, m.valid_until) == (start, end)


def test_status_follows_the_clock(library: dict) -> None:
    m = library["guangan_culture_tourism_2022"].meta
    assert status_of(m, date(2023, 1, 1)) == "in_force"
    assert status_of(m, date(2024, 5, 26)) == "expired"
    assert status_of(m, date(2022, 5, 1)) == "not_yet"
    assert status_of(library["fuzhou_future_industries_2023"].meta, date(2026, 1, 1)) == "unknown"


def test_repeal_is_recorded() -> None:
    assert Validity("2023-01-01", "").status(date(2024, 1, 1), repealed_by="x") == "repealed"


def test_what_a_notice_repeals_comes_with_its_sentence(library: dict) -> None:
    doc = library["guangan_bidding_conduct_2023"]
    (r,) = repeals(doc)
    assert r.target == "广安府发〔2014〕52号"
    assert doc.text[r.start:r.end].startswith("《广安市人民政府关于进一步规范国家投资工程建设项目招标投标工作的实施意见》")
    assert doc.text[r.start:r.end].endswith("同时废止。") and r.section


def test_a_repealed_notice_keeps_the_sentence_that_repealed_it(library: dict) -> None:
    """The older notice (a copy under the repealed 文号) is marked at build with the repealing notice and the span of
    its sentence, which answers cite without reading the repealer again."""
    by = library["guangan_bidding_conduct_2023"]
    old = replace(library["guangan_ride_hailing_2021"], meta=replace(library["guangan_ride_hailing_2021"].meta,
                                                                       doc_number="广安府发〔2014〕52号"))
    marked = {d.doc_id: d for d in with_validity([by, old])}
    m = marked[old.doc_id].meta
    assert m.repealed_by == by.doc_id
    s0, e0, section = m.repeal_sentence
    assert "广安府发〔2014〕52号" in by.text[s0:e0] and section
    assert marked[by.doc_id].meta.repeal_sentence is None


def test_a_day_written_in_chinese_numerals_starts_the_period() -> None:
    """A 政府令 writes every date in Chinese numerals: 「本办法自二〇二五年六月一日起施行。」 (a synthetic PDF)."""
    from policyqa.corpus.readers import read_file
    from policyqa.corpus.load import SourceFile
    from conftest import ROOT

    path = ROOT / "evals" / "synthetic" / "corpus" / "qingfeng_dog_management_2025.pdf"
    r = read_file(path)
    doc = with_validity([parse_document(SourceFile(path.stem, path, r.text, "0" * 64, r.format))])[0]
    assert doc.meta.effective == "本办法自二〇二五年六月一日起施行。"
    assert doc.meta.valid_from == "2025-06-01"
