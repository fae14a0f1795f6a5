"""Question typing: which kind of answer a question wants, and what it names (departments, metadata field)."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from policyqa.retrieve.rewrite import INTENT_WORDS
from policyqa.retrieve.scope import DOC_KINDS
from policyqa.text.aliases import AliasTable
from policyqa.text.synonyms import expand_synonyms
from policyqa.text.tokenize import STOPWORDS, Tokenizer

INJECTION = re.compile(
    r"忽略.{0,8}(?:指令|指示|提示|规则|设定|要求|文件|限制)|(?:系统|内部)(?:提示|指令|配置|设定)|提示词|训练数据|开发者模式|越狱|"
    r"不受(?:任何)?限制|假装你?是|(?:你|请你?|现在|接下来)(?:来|要|就)?扮演|扮演(?:一个|一名|一位|成)|你现在是|你现在处于|jailbreak|ignore\s+(?:all|any|the|previous|prior|above)|"
    r"system\s*prompt|disregard|pretend\s+(?:to\s+be|you)|^\s*system\s*[:：]|别管文件",
    re.IGNORECASE,
)

_META = [
    ("doc_number", re.compile(r"文号|发文字号|文件号|字号|文件编号|第几号|几号文|多少号|document\s*number|reference\s*number", re.I)),
    ("doc_type", re.compile(r"文种|什么类型的(?:文件|公文)|公文(?:种类|类型)|文件类型|哪种公文|什么公文|"
                            r"是(?:一份|一个|一篇)?(?:通知|意见|实施意见|办法|方案|决定|规定|通告|公告|批复)吗|type\s+of\s+document", re.I)),
    ("signature", re.compile(r"落款(?!日期|时间)", re.I)),  # 「落款日期」 asks the date alone
    ("purpose", re.compile(r"目的是|(?:制定|出台|印发)(?:这个|这份|本)?(?:文件|意见|通知|方案|办法|政策)?的?目的|想干啥|想干什么|想做什么|讲了(?:什么|啥)|主要内容|主要讲|"
                           r"是关于什么|总体(?:思路|要求)|宗旨|为什么(?:要)?(?:制定|出台|印发)|what\s+is\s+(?:this|the)\s+(?:document|policy)\s+about|purpose", re.I)),
    ("recipients", re.compile(r"主送|发给了?(?:谁|哪些|哪个)|下发给|印发给|送达|发送给|对象是哪些单位|addressed|recipient", re.I)),
    ("disclosure", re.compile(r"公开方式|公开属性|是否公开|主动公开|依申请公开|能公开|可以公开|public(?:ly)?\s+(?:available|released)", re.I)),
    ("effective", re.compile(r"(?:从|自)?(?:哪天|哪一天|什么时候|何时|啥时候|几月几[号日])(?:开始|起)?(?:施行|生效)|施行|生效|有效期|起实施|实施日期|何时实施|(?:什么时候|何时|啥时候|哪天|从哪天|哪一天)(?:开始|起)?(?:实施|执行|管用|算数)|"
                             r"开始执行|开始算数|(?:管用|管|有效|试行)(?:几年|多久|多长时间|到什么时候|到哪天|到啥时候)|试行期|effective|take\s+effect|in\s+force|valid\s+for", re.I)),
    ("repeal", re.compile(r"废止|作废|取代(?:了)?(?:哪|什么|原)|(?:替掉|顶替|代替|替换|换掉)(?:了)?(?:哪|什么|原|老|旧)[^，。？?；;]{0,4}(?:文件|办法|规定|政策|意见|通知|方案|细则)|(?:老|旧|原来的|以前的)(?:文件|办法|规定|政策|意见)(?:还|是否)?(?:有效|管用|算数)|"
                          r"repeal|supersede", re.I)),
    ("attachments", re.compile(r"(?:有|带|包括|包含)(?:哪些|几个|什么)附件|附件(?:有哪些|是什么|有几个|包括|名称|清单|叫什么)|哪些附件|几个附件|attachment", re.I)),
    ("issuer", re.compile(r"发文机关|发文单位|发布(?:机关|单位|部门)|印发(?:机关|单位|部门)|制发|谁(?:发|印发|发布|制定|出台)的|"
                          r"(?:哪个|哪些|哪几个|哪家|哪几家|哪[两二三四]个|哪[两二三四]家)(?:单位|部门|机关|机构).{0,8}?(?:发的|印发|发布|制定|出台|联合)|由(?:谁|哪个单位)(?:发布|印发)|who\s+issued|issuer|issued\s+by", re.I)),
    ("date", re.compile(r"成文日期|发文日期|印发日期|发布日期|出台日期|落款日期|(?:什么时候|何时|哪天|哪一天|哪一年|哪年|(?<!第)几号|日期)(?:发布|公布|印发|出台|发的|下发|制定|成文)|"
                        r"(?:发布|公布|印发|出台|下发|成文|制定|签发)(?:的)?(?:时间|日期)|(?:发布|公布|印发|出台|下发|签发)于|哪天(?:发|印|签)|(?:哪天|什么时候|何时)签发|when\s+was.*(?:issued|published|released)|date", re.I)),
    ("basis", re.compile(r"(?:依据|根据|贯彻|落实|按照)(?:的)?(?:是)?(?:哪|什么)(?:份|个|些)?(?:上级|省级|国家)?(?:文件|政策|精神|意见|规定)|"
                         r"为(?:了)?(?:贯彻|落实)(?:哪|什么)|(?:上位|制定)依据|based\s+on\s+which", re.I)),
    ("title", re.compile(r"标题|题目|文件名|全称|文件(?:的)?名称|叫什么(?:名字)?|title", re.I)),
    ("applicability", re.compile(r"适用范围|适用(?:于)?(?:哪些|什么|哪里|哪儿|谁)|适用对象|对(?:谁|哪些)适用|(?:applies|apply)\s+to|scope\s+of\s+application", re.I)),
    ("meeting", re.compile(r"(?:哪次|第几次|哪一次)(?:常务|常委)?会(?:议)?|什么(?:常务|常委)?会议(?:上)?(?:审议)?通过|会议(?:审议)?通过|(?:经|在)(?:哪|什么)(?:个)?会(?:议)?(?:上)?(?:审议)?通过", re.I)),
]

_NAMED_TITLE = re.compile(rf"关于[^，。？?；;！!]{{2,40}}?的(?:{DOC_KINDS})")

_RESPONSIBILITY = re.compile(
    r"负责(?!人)|责任单位|责任部门|牵头|哪些部门|哪个部门|什么部门|哪几个部门|哪些单位|哪个单位|哪几个单位|(?:哪些|哪个|哪几个|什么)机关|归谁|谁管|谁来管|谁负责|由谁|"
    r"主管部门|承担|落实单位|落实吗|负责落实|需要?.{0,8}落实|哪家单位|谁在抓|谁抓|谁在管|找谁|找哪个|该找|管这块|department|responsible|in\s+charge|who\s+(?:is|are)\s+(?:responsible|in\s+charge)",
    re.I,
)
_REVERSE = re.compile(
    r"(?:参与|负责|承担|牵头|管|涉及|分管|配合|负责了?)(?:了|的)?(?:是)?(?:哪些|什么|几项|哪几项|哪几条|哪项|哪几件|哪一?件|哪几块|哪一?块|哪一?方面|哪些方面)|"
    r"(?:哪|几)(?:些|项|几项|几条|件|几件|一件|几块|一?块|个|几个|个方面|些方面)的?(?:工作|任务|领域|产业|事项|事|条款|条目|活儿?|方向|措施|举措|政策)|(?:派|分|分配|安排|布置|交办|交给)(?:了|过|给)?(?:它|他们|其)?(?:哪些|什么|啥|哪几项)?(?:活|任务)|(?:分|分配|安排|布置|交办)(?:了|给)?(?:它|他们|其)?(?:哪些|什么|啥|哪几项)(?:工作|事)|(?:哪|几)几?[项条](?:[？?]|$)|出现在|全部条目|所有条目|哪些条目|"
    r"(?:有|承担|负责|参与)(?:哪些|什么)(?:工作|任务|职责)|职责是什么|[干做管]什么|[干做管]啥|干哪些事|做哪些事|what\s+(?:does|is)\b.*\b(?:do|responsible\s+for|involved)",
    re.I,
)
_ENUM = re.compile(r"包括|包含|有哪些|有什么|哪几|分别是|分别有|是什么|是哪些|指什么|指的是|具体是|内容是|列举|哪[一二三四五六七八九十两\d]+[个项类家大]|几大|哪些|什么是|which|what\s+are|list", re.I)
_COUNT = re.compile(r"多少|多远|几个|几家|几项|几类|几大|几[年月天种条次倍名批]|数量|到哪年|哪一年|哪年|何年|目标是|目标|规模|比例|比重|占比|how\s+many|how\s+much|what\s+year|target", re.I)
# 「哪几种方式」「哪四个方面」 ask which ones (items), not how many, unless they also ask an amount
_WHICH_ONES = re.compile(r"哪几|哪些|哪[一二三四五六七八九十两\d]+[个项类种条家大道]|分别是(?:什么|哪些|啥|哪几)")
_ENGLISH = re.compile(r"[A-Za-z]")
# Colloquial fillers that carry no topic (「搞氢能归谁管啊」).
FILLERS = frozenset(
    """搞 弄 做 干 啥 咋 嘛 呗 哈 哦 喔 么 俺 咱 咱们 俺们 个 下 想 问问 问下 请教 帮 帮忙 帮我 看看 知道 了解 一下 想知道 请问
    呀 啦 吧 嗯 是不是 有没有 能不能 可不可以 到底 究竟 现在 目前 这块 那块 这一块 一块 块 这方面 那方面 部分 那部分 这部分 那条
    这条 一条 那一条 这一条 条 条目 作为 出现 全部 所有 列出 各项 找 该找 去找 对接 抓 在抓 职责 事 事儿 东西 地方 哪儿 里 市里 我们 我 你 他们 公司 小公司 企业家
    有关 关系 有关系 相关 跟 和 说白了 白 大概 大致 一共 总共 分别 具体 主要 能 要 该 最后 列 列出 提到 文里 文件 本文件 政策
    意见 实施意见 通知 办法 方案 这份 那份 本 公文 文 英文 中文 分为 属于 哪一 一 这个 那个 哪几 哪几个 这边 那边 方面的 打算 想要""".split()
)


@dataclass(frozen=True, slots=True)
class QueryInfo:
    text: str  # the (rewritten, normalized) query
    qtype: str  # metadata | responsibility | reverse_responsibility | enumeration | count | general | injection
    meta_field: str = ""
    departments: tuple[str, ...] = ()  # canonical names named in the query
    terms: tuple[str, ...] = ()  # BM25 terms, aliases expanded
    content_terms: tuple[str, ...] = ()  # terms that name the topic (no intent words, fillers)
    english: bool = False
    scope: tuple[str, ...] = ()  # documents the question is about (resolved before retrieval); () = the library
    scope_others: tuple[str, ...] = ()  # notices that fit as well but are no longer in force: asked only if scope fails
    scope_reason: str = ""
    scope_terms: tuple[str, ...] = ()  # words that picked the scope (title words, words only that notice uses)
    year_mismatch: str = ""  # a year the question names that no fitting notice has


META_WORDS = frozenset(
    """文号 发文 字号 编号 文种 类型 种类 公文 落款 日期 成文 印发 发布 公布 出台 下发 制定 时间 哪天 哪一天 哪年 哪一年 几号 第几号 号文
    机关 单位 发文机关 发文单位 标题 题目 名称 全称 完整 主送 主送机关 送达 发给 公开 主动 依申请 施行 生效 有效期 实施 附件 目的 宗旨
    政府 办公厅 谁 哪个 发 的 是 什么 还是 一年 发给 依申请 申请 有没有 里 市政府 市政 州市 办公 人民政府 第几 号 时候 多久 期限
    多长 开始 起 从 哪里 几年 几月 几天 几日 多长时间 什么时候 提供 一份 给 送给 请 吗 废止 作废 取代 以前 原来 老 旧 文件 同时
    会议 常务 审议 通过 上会 经过 哪次 哪一次 第几次 之前 此前 适用 适用范围 范围 对象 适用对象 修订 修订版 修改 新版 旧版 版本 那版 这版 最新 现行 正式 替掉 老文件""".split()
)


META_PATTERNS = dict(_META)  # field -> the pattern of a question asking it


def about_document_terms(info: "QueryInfo", tok: Tokenizer | None = None) -> list[str]:
    """Topic words of a metadata question once the metadata vocabulary is set aside."""
    terms = info.content_terms
    if tok is not None:  # drop the words the metadata patterns matched (「主送给」 -> 「给」)
        rest = standard_asks(info.text)  # the patterns are written in the standard question words
        for _, pat in _META:
            rest = pat.sub(" ", rest)
        rest = _WHICH_ONE.sub(" ", rest)  # what the patterns leave of 「哪份文件」 is tokenized 「哪」「份文件」
        rest = _YEAR_DATE.sub(" ", rest)  # a year names the notice (the scope reads it); 「23年发的」 leaves debris 「年发」
        terms = tuple(t for t in tok.terms(rest) if t in terms)
    whole = [t for t in terms if not any(t != u and t in u for u in terms)]  # 「有效」 goes with 「有效期」
    return [t for t in whole if t not in META_WORDS and not _COUNTED.fullmatch(t)]  # 「两个办法」 counts, names nothing


_WHICH_ONE = re.compile(r"[哪那这]一?[份个些项条件部篇]")  # 「那份文件」 is cut 「那」「份文件」 too
_YEAR_DATE = re.compile(r"\d{2,4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*[日号])?|[今去前明]年")  # 「今年那个命令」 too
_COUNTED = re.compile(r"[一二两三四五六七八九十几\d]+[个项份件条类种家部篇]")


# 离合词: a verb and its object split by a measure word, 「烧点纸」「贷点款」「挂个牌」, are one word of the notices (烧纸,
# 贷款, 挂牌). jieba cuts the spoken form into debris (烧点/纸), so the joined word is added where the library uses it;
# a counting first character (「多个部门」「每个人」) splits nothing.
_SPLIT_WORD = re.compile(r"(?=(([\u4e00-\u9fff])(?:点儿|一点|一下|点|个|些)([\u4e00-\u9fff])))")
_COUNTING = frozenset("一二两三四五六七八九十百千几多每各单整半全这那哪某另同")


def joined_words(text: str, known: Container[str]) -> dict[str, str]:
    """The words of the library (``known``) that ``text`` writes split by a measure word, each with the form it is
    written in (「烧点纸」 -> {烧纸: 烧点纸})."""
    return {a + b: split for split, a, b in _SPLIT_WORD.findall(text)
            if a not in _COUNTING and a + b in known and a + b not in text}


def hidden_words(text: str, tok: Tokenizer, known: Container[str]) -> dict[str, str]:
    """Words of the library (``known``, three to six characters) that ``text`` writes but its segmentation cuts apart,
    each with the stretch of the tokens it straddles: 「当网约车司机」 is cut 「当网/约/车」, hiding 网约车. jieba reads a
    character with its neighbour when the pair is a dictionary word (当网), and the library's word is lost."""
    if not known:
        return {}
    words = set(tok.words(text))
    segs = tok.segments(text)
    starts = [0]
    for seg in segs:
        starts.append(starts[-1] + len(seg))
    seg_at = [i for i, seg in enumerate(segs) for _ in seg]
    found: dict[str, str] = {}
    for a in range(len(text)):
        for n in range(3, 7):
            w = text[a : a + n]
            if len(w) < n or not _CJK_RUN.fullmatch(w) or w in words or w not in known:
                continue
            first, last = seg_at[a], seg_at[a + n - 1]
            # only debris hides a word: a straddled token the library uses itself (广安市/政府) is a word of its own
            if first != last and not any(len(segs[i]) > 1 and segs[i] in known for i in range(first, last + 1)):
                found[w] = text[starts[first] : starts[last + 1]]
    return {w: stretch for w, stretch in found.items() if not any(w != v and w in v for v in found)}


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def asks_metadata(text: str) -> bool:
    """``text`` asks about the notice itself (its 文号, when it takes effect …), not about a topic in it."""
    return bool(meta_fields(text))


def is_english(text: str) -> bool:
    letters = len(_ENGLISH.findall(text))
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    return letters > 3 * max(cjk, 1)


# 「市社科联」「市通管办」: a 联合会 or an office is named short as well
_BODY_END = r"(?:管理局|局|委员会|委|办公室|办|联|支队|中心)"
_NAMED_BODY = re.compile(rf"(?<![\u4e00-\u9fff])[市县区][\u4e00-\u9fff]{{2,10}}?{_BODY_END}(?![\u4e00-\u9fff])|"
                         rf"(?:(?<=[在里中，,、和给])|^)[市县区][\u4e00-\u9fff]{{2,10}}?{_BODY_END}(?=负责|牵头|承担|要|有|的职责|都)")
_NOT_A_NAME = re.compile(r"[怎么什哪该吗呢啥谁里]")  # 「市里该怎么办」 ends in 办 and names nobody


def meta_fields(text: str) -> list[str]:
    """The metadata fields ``text`` asks for; a notice named by its title (「关于废止和修改部分规范性文件的决定」) asks
    nothing of the words in it."""
    asked = standard_asks(_NAMED_TITLE.sub("", text) or text)
    return [f for f, pat in _META if pat.search(asked)]


# spoken and dialect question words, read as the standard ones the patterns are written in (「啥时候印发」 asks
# 「什么时候印发」); the longer form first
_SPOKEN_ASKS = (("啥时候", "什么时候"), ("啥时", "什么时候"), ("几时", "什么时候"), ("哪会儿", "什么时候"),
                ("啥子", "什么"), ("啥", "什么"), ("咋个", "怎么"), ("咋", "怎么"))


def standard_asks(text: str) -> str:
    """``text`` with its spoken question words in their standard form (「啥时候」 -> 「什么时候」, 「咋」 -> 「怎么」)."""
    for spoken, standard in _SPOKEN_ASKS:
        text = text.replace(spoken, standard)
    return text


def classify(text: str, tok: Tokenizer, aliases: AliasTable, ignore: frozenset[str] = frozenset(),
             known: Container[str] = frozenset()) -> QueryInfo:
    """``ignore``: words that name no topic in this corpus (the documents' own jurisdictions, e.g. 福州); ``known``: the
    library's words (one written split by a measure word, ``joined_words``, or cut apart by the segmentation,
    ``hidden_words``, counts as itself)."""
    english = is_english(text)
    depts = tuple(aliases.find(text))
    # 「市水利局负责哪些事」: a bureau the library names only in its text (「市水利局：负责…」), not in any 责任单位 note
    depts += tuple(m.group(0) for m in _NAMED_BODY.finditer(text) if not _NOT_A_NAME.search(m.group(0))
                   and not any(m.group(0) in d or d in m.group(0) or aliases.same(d, m.group(0)) for d in depts))
    joined = {**hidden_words(text, tok, known), **joined_words(text, known)}
    extra = " ".join(w for w in (*joined, expand_synonyms(" ".join((text, *joined)))) if w)
    terms = tok.index_terms(f"{text} {extra}" if extra else text)
    for d in depts:  # alias expansion: the corpus may write the other name
        for name in aliases.names(d):
            terms.extend(t for t in tok.index_terms(name) if t not in terms)
    dept_terms = {t for d in depts for n in aliases.names(d) for t in tok.terms(n)}
    content = tuple(
        t for t in dict.fromkeys(tok.terms(f"{text} {extra}" if extra else text))
        if t not in INTENT_WORDS and t not in STOPWORDS and t not in FILLERS and t not in dept_terms and t not in ignore
        and not (len(t) == 1 and "\u4e00" <= t <= "\u9fff")  # lone characters (主, 送, 小) are segmentation debris
        and not any(t != w and t in split for w, split in joined.items())  # 「烧点」 of 「烧点纸」 is debris too
    )
    base = dict(text=text, departments=depts, terms=tuple(terms), content_terms=content, english=english)
    if INJECTION.search(text):
        return QueryInfo(qtype="injection", **base)  # type: ignore[arg-type]
    fields = meta_fields(text)
    if fields:  # 「哪个单位在什么时候印发的」 asks two fields at once
        return QueryInfo(qtype="metadata", meta_field="+".join(fields), **base)  # type: ignore[arg-type]
    return QueryInfo(qtype=topic_type(text, depts, content), **base)  # type: ignore[arg-type]


def topic_type(text: str, depts: tuple[str, ...], content: tuple[str, ...]) -> str:
    """The type of a question about something in a notice (not about the notice itself); also the second reading of
    a question the metadata patterns caught but that names a topic (「经营牌照能管几年」 counts years of a licence)."""
    if depts and (_REVERSE.search(text) or not content) and not _mentions_topic_with_dept(text):
        return "reverse_responsibility"
    if _RECEIVERS.search(text):
        return "enumeration"  # 「通报表扬了哪些单位」: the units praised, listed; no one's duty
    if _RESPONSIBILITY.search(asked_part(text)) and not _body_named_only(asked_part(text)):
        return "responsibility"
    if _WHICH_ONES.search(text) and "多少" not in text:
        return "enumeration"
    if _A_FEW.search(text) or _IF_A_FEW.search(text) or _SOME.search(text):
        return "general"  # 「能在楼下放几个烟花吗」 asks whether, 几个 is 「a few」
    if _CORRELATIVE.search(text) and _WHETHER.search(text):
        return "general"  # 「工资能不能跟开多少药、做多少检查绑在一起」: 多少…多少 describes a link and asks whether
    if _COUNT.search(text):
        return "count"
    if _ENUM.search(text):
        return "enumeration"
    return "general"


# 「主管部门多少个工作日内要作出决定」 names the body and asks how long: a 主管部门 or 承担 said, no who asked
_NOUN_CUES = re.compile(r"主管部门|承担|负责(?!人)")
_WHO_ASKED = re.compile(r"哪[个些几家一]|谁|什么(?:部门|单位|机关|机构)|找|归|牵头|责任单位|责任部门|落实")
_HOW_MUCH_ASKED = re.compile(r"多少个?(?:工作日|小时|月)|多少(?![项个家条])|几个(?:工作日|小时|月)|几[天日年月周次]|多久|多长|什么时候|啥时候|哪天|何时")


def _body_named_only(text: str) -> bool:
    """The question names a responsible body (or says someone is 负责) as the subject of what it asks — a time or a
    quantity — and asks no who: 「主管部门多少个工作日内要作出决定」."""
    return bool(_HOW_MUCH_ASKED.search(text)) and not _WHO_ASKED.search(text) and all(
        _NOUN_CUES.fullmatch(m.group(0)) for m in _RESPONSIBILITY.finditer(text))


_IF = r"(?:要是|如果|假如|假设|若是|倘若|万一)"  # the words that open a case supposed
# the case a question supposes (「要是举报哪个单位失信，给不给奖励」): a 哪个单位 in it is 「some unit」, not the ask
_SUPPOSED = re.compile(rf"{_IF}[^，,。？?；;]*[，,]")


def asked_part(text: str) -> str:
    """``text`` less the case it supposes (「要是…，」), where a question word means 「some」 and asks nothing."""
    return _SUPPOSED.sub("，", text)

# 「开多少药、做多少检查」「赚多少发多少」: two 多少 in one clause describe how one thing follows another, they ask no amount
_CORRELATIVE = re.compile(r"多少[^，,。？?；;]{1,12}多少")
_WHETHER = re.compile(r"能不能|可不可以|能否|是否|允许|让不让|行不行|[吗嘛][？?]?$")
_A_FEW = re.compile(r"(?:能|可以|可不可以|能不能|让不让|准不准|允许)[^，。？?]{0,12}[几两][个只支根挂盒][^，。？?多少]{0,10}(?:吗|么|嘛)[？?]?$")

# 「要是几家公司的标书是同一台电脑做的，会被怎么定性？」: a 几 in the case supposed is 「some」; the ask comes after it
_IF_A_FEW = re.compile(rf"{_IF}[^，。？?]{{0,20}}几[^，。？?]{{0,30}}[，,][^？?]*?(?:怎么|怎样|如何|什么|哪|吗|么|嘛)")

# 「通报表扬了哪些单位」「被约谈的是哪几个部门」: the units a notice praises, blames or rewards, not those it charges
_RECEIVERS = re.compile(r"(?:表扬|表彰|批评|约谈|问责|奖励|通报|点名|处分|处罚|通报批评|通报表扬)(?:了|的是)?(?:哪些|哪几个|哪几家|哪个)(?:单位|部门|地方|企业|机构)"
                        r"|(?:被|受到)(?:通报)?(?:表扬|表彰|批评|约谈|问责|点名|处分)的(?:是)?(?:哪些|哪几个|哪个)(?:单位|部门)")
# 「几家公司的电子标书是同一台电脑做出来的，会被怎么认定？」「几家公司能不能搭伙一起投？」: 几 opening a clause, its ask
# after it, is 「some」 too
_SOME = re.compile(r"(?:^|[，,：:])几[个家项名位人][^，。？?多少]{2,30}?(?:[，,][^？?]*?(?:怎么|怎样|如何|什么|哪|吗|么|嘛|会不会|能不能|是不是)"
                   r"|(?:能不能|可不可以|能否|是不是|会不会)[^，。？?多少]{1,12}[？?]?$|(?:可以|能)[^，。？?多少]{1,12}(?:吗|么|嘛)[？?]?$)")


def _mentions_topic_with_dept(text: str) -> bool:
    """「市科技局负责未来能源吗」 asks about a topic, not for the department's whole portfolio."""
    return bool(re.search(r"(?:负责|参与|管|牵头)[^，。？?]{2,}(?:吗|(?<!什)么|嘛)[？?]?$|是(?:不是)?(?:(?!哪|什么).){0,12}(?:的)?责任单位", text))
