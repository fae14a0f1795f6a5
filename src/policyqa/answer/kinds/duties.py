"""「林业部门负责哪些事」: every sentence of the notice that gives a department *type* (no 责任单位 note names it) a duty."""

from __future__ import annotations

import re

import numpy as np

from policyqa.answer.classify import QueryInfo
from policyqa.answer.context import ANAPHOR, NUMBERING, SUBJECTLESS_DUTY
from policyqa.answer.kinds.base import Kind
from policyqa.corpus.chunk import sentence_spans
from policyqa.retrieve.hybrid import Ranked
from policyqa.retrieve.scope import core_title
from policyqa.types import SECTION_SEP, Answer, Document

# who the question asks about, then what it asks: 「消防救援机构主要负责哪些工作」「民政部门被安排了哪些活」
_TYPE_ASK = re.compile(r"(?P<who>[\u4e00-\u9fff]{2,12}?(?:部门|机构|机关|委员会|中心|管委会))(?:都|主要|具体|要|也|还|被){0,3}"
                       r"(?:(?:负责|承担|管|做|干|参与|牵头|分|分配|安排)(?:了)?(?:哪些|什么|啥|几项|哪几)|(?:有|承担)(?:哪些|什么)职责|的?职责(?:是什么|有哪些|是啥)"
                       r"|(?:担|扮演|发挥|起)(?:的是|着|了)?(?:什么|啥|哪些)(?:样的)?(?:角色|作用))")  # 「担的是啥角色」
_SUBJECT_AFTER = (r"(?:要|应当|应|负责|牵头|依法|依据|按照|会同|加强|做好|组织|对|指导|承担|配合|积极|发挥|统筹|督促|履行|"
                  r"根据|按规定|可以|予以|提出|审核|制定|建立|开展|推进|落实|实施|委托|将(?:会同|组织|对|按|于))")  # 「市安委会根据具体情况予以通报批评」
_WHEN = r"(?:每年|每半年|每季度|每月|定期|及时|同步)"  # 「市财政局每年统筹安排…」: how often, between the subject and its duty
_ARTICLE = r"第\s*[一二三四五六七八九十百零〇\d]+\s*条"  # 「第八条市国资委对企业的投资行为履行出资人职责」
_LEAD_IN_CHARS = 400  # a duty announced with 「：」 and the items under it, quoted up to this many characters


# 「列席：黎晓峰（…）、…（市应急管理局局长）」: who attended a meeting, by name and post — no duty of those bureaus
_OBJECT = re.compile(r"(?:予以|给予)(?:通报)?(?:表扬|表彰|批评|奖励|约谈|问责|通报|警告|处分)")
_ROLL = re.compile(r"^(?:出席|列席|请假|缺席|参会人员|参加人员|记录|抄送|主送)[：:]")


class DutyListKind(Kind):
    name = "duties"
    max_items = 8

    def answer(self, info: QueryInfo, ranked: Ranked, qvec: np.ndarray) -> Answer | None:
        m = _TYPE_ASK.search(info.text)  # 「公安机关负责什么」 asks the duties even without a 哪些
        if m is None or info.departments or len(info.scope) != 1:
            return None
        doc = self.b.documents[info.scope[0]]
        # the longest end of the words before 「部门」 that the notice writes (「广安殡葬方案中民政部门」 -> 「民政部门」)
        asked = m.group("who")
        who = next((asked[k:] for k in range(len(asked) - 3) if asked[k:] in doc.text), asked)
        return self.duties_of(info, doc, who, (who, *type_names(who)))

    def duties_of(self, info: QueryInfo, doc: Document, who: str, names: tuple[str, ...], lead: bool = False) -> Answer | None:
        """Every sentence of ``doc`` with one of ``names`` as its subject (and what follows it without a subject); with
        ``lead``, only those in which it leads (asked 「牵头负责哪件事」), if there are any."""
        spans = self.duty_spans(doc, who, names)
        if lead:  # those it leads, when it leads any
            spans = [x for x in spans if leads(doc.text[x[0]:x[1]], names)] or spans
        if not spans:
            return None
        shown = spans[: self.max_items]
        more = f"（另有{len(spans) - len(shown)}处）" if len(spans) > len(shown) else ""
        # the notice by its own name (「《中心城区部分道路实施货车禁行管理的通告》」), not by the issuer that wraps it
        # the department as the notice writes it (「市人力资源和社会保障局」, not the alias table's 「市人力资源社会保障局」)
        who = who if who in doc.text else next((n for n in names if n in doc.text), who)
        text = f"《{core_title(doc.meta.title)}》中写明{who}职责的有{len(spans)}处{more}：" + "".join(
            f"（{i}）{doc.text[s:e]}" for i, (s, e, _) in enumerate(shown, 1))
        quotes = [self._quote(doc, s, e, section, 1.0) for s, e, section in shown]
        return Answer(text, True, self.citations(quotes), info.text, "reverse_responsibility")

    def duty_spans(self, doc: Document, who: str, names: tuple[str, ...]) -> list[tuple[int, int, str]]:
        """(start, end, section path) of every sentence of ``doc`` that gives one of ``names`` a duty."""
        name = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        # 「市住房城乡建设局、市城市管理局负责…」: a subject shared with other departments is the department's duty too
        # 「县级人民政府林业行政主管部门或承接有关行政处罚权的乡镇人民政府…依法给予」: the level named before the type
        # 「市交通运输主管部门在市人民政府领导下，负责…」: who it works under, between the subject and its duty
        # 「市、县两级安全生产委员会负责…」「由市级安全生产委员会挂牌督办」: the levels named before the organ; what is done
        # 「由」 it is its duty whatever the verb
        # (a city's organ is not the county's: 「由县级安全生产委员会…」 is no duty of 市安全生产委员会)
        at = who[0] if who[0] in "市县区" and not who.endswith("部门") else "市县区"
        level = rf"(?:[{at}]级?(?:人民政府)?|市、?县两级|各级)?"
        subject = re.compile(rf"(?:^|[。；，、：\s）)]|由|{_ARTICLE}){level}(?:{name})"  # 「（二）市生态环境局负责…」 of a list
                             rf"(?:[、和及与][^，。；、]{{2,14}}?){{0,4}}?(?:或[^，。；]{{2,30}}?)?[：:]?(?:在[^，。；]{{2,16}}?下，?)?{_WHEN}?{_SUBJECT_AFTER}"  # 「市卫生健康委：负责…」 of a 责任部门 block
                             rf"|由{level}(?:{name})(?:或[^，。；]{{2,30}}?)?[\u4e00-\u9fff]"
                             # 「下设办公室于市社科联，负责…日常工作」「办公室设在市卫生健康委」: the office it houses works for it
                             rf"|(?:办公室|办事机构)(?:设在|设于|于){level}(?:{name})")
        # 「对…排名前三位的市公安局、…予以通报表扬」: praised or blamed, it is given no duty
        praised = re.compile(rf"^(?:{NUMBERING.pattern})?\s*对[^。；]*?(?:{name})[^。；，、]{{0,4}}?(?:予以|给予)")
        # 「…组织住房城乡建设、水务、林业、自然资源规划等有关部门规划设置…」: the type named bare inside a list of types
        stem = who.removesuffix("部门")
        listed = re.compile(rf"(?:^|[、，]|组织|会同)({re.escape(stem)})(?=[、和及])[^。；]{{0,40}}?等(?:有关|相关)?部门"
                            rf"|[、和及]{re.escape(stem)}等(?:有关|相关)?部门") if stem != who and len(stem) >= 2 else None
        found: list[str] = []
        out: list[tuple[int, int, str]] = []
        for c in doc.clauses:
            spans = sentence_spans(c.text, c.start)
            i = 0
            while i < len(spans):
                first = i
                s, e = spans[i]
                i += 1
                if _ROLL.match(doc.text[s:e]) or (not subject.search(doc.text[s:e]) and not (listed and listed.search(doc.text[s:e]))):
                    continue
                if _OBJECT.search(doc.text[s:e]) and praised.search(doc.text[s:e]):
                    continue
                # 「财政部门负责…；负责…；负责…」: the duties that follow without repeating the subject are its too
                while i < len(spans) and SUBJECTLESS_DUTY.match(doc.text[spans[i][0] : spans[i][1]]):
                    e = spans[i][1]
                    i += 1
                # 「市国资委…履行出资人职责，主要包括：」 announces its duties: the items under it are what it says
                if doc.text[s:e].rstrip().endswith(("：", ":")):
                    while i < len(spans) and NUMBERING.match(doc.text[spans[i][0] : spans[i][1]]) \
                            and spans[i][1] - s <= _LEAD_IN_CHARS:
                        e = spans[i][1]
                        i += 1
                if first and ANAPHOR.match(doc.text[s:e]):
                    s = spans[first - 1][0]  # 「此项由市民政局会同…制定具体办法」: what 此项 is, is the sentence before it
                sent = doc.text[s:e]
                if sent not in found:
                    found.append(sent)
                    out.append((s, e, SECTION_SEP.join(c.section_path)))
        return out


def leads(sentence: str, names: tuple[str, ...]) -> bool:
    """Does one of ``names`` lead in ``sentence`` (「由市自然资源和规划局牵头，…」「市发展改革委、人行…牵头」), not merely take
    part under another's lead (「由市住房和城乡建设局牵头，…、市自然资源和规划局…配合」)?"""
    name = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.search(rf"(?:{name})(?:[、和与及][^，。；、]{{2,16}}?){{0,3}}(?:共同|负责)?牵头", sentence) is not None


def type_names(dept: str) -> tuple[str, ...]:
    """The department type a named bureau is one of, as an 办法 writes it: 市民政局 -> 民政部门, 民政主管部门 …; a city's
    type (市交通运输主管部门) is the type the articles name bare (交通运输主管部门)."""
    bare = re.sub(r"^[市县区省]", "", dept)
    # a 委员会 the articles name without its city (「市县两级安全生产委员会」): the organ itself, at any level
    own = (bare,) if bare != dept and bare.endswith("委员会") and len(bare) >= 5 else ()
    if bare.endswith("部门"):
        cores = [re.sub(r"(?:行政)?(?:主管)?部门$", "", bare)]
    else:  # 市场监督管理局 -> 市场监督部门, and 市场监督管理部门 as articles also write it
        cores = list(dict.fromkeys([re.sub(r"(?:管理局|局|委员会|委|办公室|办)$", "", bare), re.sub(r"局$", "", bare)]))
    return own + tuple(f"{core}{suffix}" for core in cores if len(core) >= 2 and core != bare
                       for suffix in ("部门", "主管部门", "行政部门", "行政主管部门"))
