"""When a notice is in force: its 施行 / 有效期 / 废止 sentences, read into dates.

「本办法自2022年2月1日起施行，有效期5年」 -> 2022-02-01 .. 2027-01-31; 「有效期至2025年12月31日」 -> that day;
「试行期两年」 -> two years; 「自印发之日起施行」 -> the 成文日期. 「《…》（广安府发〔2014〕52号）同时废止」 names a notice
this one repeals. Hand-written: these are 公文 conventions no date library knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from policyqa.corpus.chunk import sentence_spans
from policyqa.corpus.structure import DAY, cn_small, day_iso
from policyqa.types import SECTION_SEP, Document, DocumentMeta

_START = re.compile(rf"[自从](?:({DAY})|(?:印发|发布|公布)之日)起(?:施行|实施|执行)")
_UNTIL = re.compile(rf"有效期(?:至|到)({DAY})")
_YEARS = re.compile(r"(?:有效期为?|试行期?为?)([\d一二三四五六七八九十两]+)年")
REPEAL = re.compile(r"《([^》]{4,80})》\s*[（(]([^）)]{4,30}号)[）)][^。]{0,20}?(?:同时)?废止|"
                     r"《([^》]{4,80})》[^。]{0,20}?(?:同时)?废止")


@dataclass(frozen=True, slots=True)
class Repeal:
    """A notice this one repeals, by 文号 or title, and the sentence of this one's text that repeals it."""

    target: str  # 文号 or title as the sentence writes it
    start: int  # the sentence's span in the repealing notice's text
    end: int
    section: str  # its section path, joined by SECTION_SEP


@dataclass(frozen=True, slots=True)
class Validity:
    """The period a notice is in force, as far as its text says."""

    start: str = ""  # ISO date; "" when the text gives none
    end: str = ""  # ISO date of the last day in force; "" = no end stated
    repeals: tuple[Repeal, ...] = ()  # the notices this one repeals, each with the sentence that says so

    def status(self, today: date, repealed_by: str = "") -> str:
        """in_force | expired | not_yet | repealed | unknown."""
        if repealed_by:
            return "repealed"
        if self.end and today > date.fromisoformat(self.end):
            return "expired"
        if self.start and today < date.fromisoformat(self.start):
            return "not_yet"
        return "in_force" if (self.start or self.end) else "unknown"


def _years(s: str) -> int:
    return int(s) if s.isdigit() else cn_small(s.replace("两", "二"))


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def validity(doc: Document) -> Validity:
    sentence = doc.meta.effective
    start = end = ""
    if sentence:
        m = _START.search(sentence)
        if m and m.group(1):
            start = day_iso(m.group(1))
        elif m and doc.meta.date:
            start = doc.meta.date  # 「自印发之日起施行」
        u = _UNTIL.search(sentence)
        y = _YEARS.search(sentence)
        if u:
            end = day_iso(u.group(1))
        elif y and start:
            end = (_add_years(date.fromisoformat(start), _years(y.group(1))) - timedelta(days=1)).isoformat()
    return Validity(start, end, repeals(doc))


def repeals(doc: Document) -> tuple[Repeal, ...]:
    """What the notice repeals, each with the sentence (as citations cut sentences) that names it."""
    out: dict[str, Repeal] = {}
    for c in doc.clauses:
        for s0, e0 in sentence_spans(c.text, c.start):
            for m in REPEAL.finditer(doc.text, s0, e0):
                target = m.group(2) or m.group(1) or m.group(3)
                if target and target not in out:
                    out[target] = Repeal(target, s0, e0, SECTION_SEP.join(c.section_path))
    return tuple(out.values())


def repealed_by(documents: dict[str, Document], validities: dict[str, Validity]) -> dict[str, tuple[str, Repeal]]:
    """doc_id -> (doc_id of a notice in the library that repeals it, by 文号 or title; the repeal it reads)."""
    out: dict[str, tuple[str, Repeal]] = {}
    for doc_id, v in validities.items():
        for r in v.repeals:
            key = re.sub(r"\s", "", r.target)
            for other in documents.values():
                if other.doc_id == doc_id:
                    continue
                if (other.meta.doc_number and re.sub(r"\s", "", other.meta.doc_number) == key) or key in other.meta.title:
                    out[other.doc_id] = (doc_id, r)
    return out


STATUS_ZH = {"in_force": "现行有效", "expired": "已过有效期", "not_yet": "尚未施行", "repealed": "已废止", "unknown": "有效期未注明"}

__all__ = ["Repeal", "Validity", "validity", "repeals", "repealed_by", "with_validity", "status_of", "STATUS_ZH"]


def with_validity(documents: list[Document]) -> list[Document]:
    """Each document with its in-force period and, when another notice of the library repeals it, that notice."""
    from dataclasses import replace

    vals = {d.doc_id: validity(d) for d in documents}
    by = repealed_by({d.doc_id: d for d in documents}, vals)
    none = ("", None)
    return [replace(d, meta=replace(d.meta, valid_from=vals[d.doc_id].start, valid_until=vals[d.doc_id].end,
                                    repealed_by=by.get(d.doc_id, none)[0],
                                    repeal_sentence=_span(by.get(d.doc_id, none)[1]))) for d in documents]


def _span(r: Repeal | None) -> tuple[int, int, str] | None:
    return (r.start, r.end, r.section) if r else None


def status_of(meta: DocumentMeta, today: date) -> str:
    return Validity(meta.valid_from, meta.valid_until).status(today, meta.repealed_by)
