"""Reading a target into indicators: the :class:`Indicator`, and how every output writes its target.

"工业产品生产许可证产品抽检平均合格率≥92%" becomes an :class:`Indicator` named
工业产品生产许可证产品抽检平均合格率 with comparison ≥, value 92 and unit %: :func:`extract` reads
the numbers of a task's target text and the words of :data:`vocab.TARGET_WORDS` around them.
:func:`shown_target` writes an indicator's target back as the table wrote it. The master table's
指标 sheet, where the clerk's rows win, is :mod:`indicators`; a reported value is checked in
:mod:`reported`.
"""

import re
from dataclasses import dataclass

from .vocab import (
    AFTER,
    AT_LEAST,
    BASELINE,
    BEFORE,
    EARLIER,
    EMPTY,
    EQ,
    GE,
    LE,
    MET,
    NOT_MET,
    RANGE,
    STRETCH_WORDS,
    TARGET_WORDS,
    UNCLEAR,
    ZERO,
)

SOURCE_AUTO, SOURCE_UNSURE, SOURCE_CLERK = "自动提取", "待确认", "人工"

UNITS = sorted(
    (
        "个行政村 万元 亿元 元 % 个百分点 倍 吨 万吨 家 家次 只 个 个点位 项 起 人 万人 人次 万人次 次 件 台 所 批 场 "
        "户 万户 套 座 辆 名 条 处 宗 亩 万亩 公里 千米 米 平方米 万平方米 公顷 立方米 微克/立方米 个工作日 "
        "工作日 天 小时 分钟"
    ).split(),
    key=len,
    reverse=True,
)
_UNIT_NAMES = {"个行政村": "行政村"}
# A number that is not part of a name (PM2.5, 5G, PM10), with an optional range and its unit.
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])(?P<a>\d+(?:\.\d+)?)(?:\s*[-~～至—–]\s*(?P<b>\d+(?:\.\d+)?))?(?P<unit>"
    + "|".join(re.escape(u) for u in UNITS)
    + r")?(?![A-Za-z0-9.])"
)
_DATE = re.compile(r"^(?:年|月|季度|号)")  # 2025年, 6月: a time, not a target


def _word_pattern(where, template):
    words = sorted((w for w, at, _ in TARGET_WORDS if at == where), key=len, reverse=True)
    return re.compile(template.format("|".join(re.escape(w) for w in words)))


_WORD = {(w, at): c for w, at, c in TARGET_WORDS}
_BEFORE = _word_pattern(BEFORE, r"({})\s*$")
_AFTER = _word_pattern(AFTER, r"^\s*({})")
_AFTER_AT_END = _word_pattern(AFTER, r"({})$")
_EARLIER = _word_pattern(EARLIER, r"({})")
_STRETCH = re.compile("|".join(STRETCH_WORDS))
_NOT_VERBS = re.compile("|".join(STRETCH_WORDS + ("建成区",)))  # 建成区绿化覆盖率: a name, not 建成
# A clause without a number that says something must not happen: 不发生…, 杜绝…, 无…事故, …零发生.
_ZERO_PREFIX = re.compile(r"^(?:确保|坚决|全年|年内|全区|实现)*")
_ZERO_LEAD = re.compile(
    _ZERO_PREFIX.pattern
    + "(?P<word>"
    + "|".join(re.escape(w) for w, at, c in TARGET_WORDS if c == ZERO and at == BEFORE)
    + ")"
)
_ZERO_NAMES_AFTER_NONE = re.compile(r"(?:事故|行为|事件|案件)$")  # 无 needs one of these: 无公害农产品 is a name
# An approximate number (增长6.5%左右, 约5000万元, 5%上下) has no exact pass line: its reading is 待确认. 约 in a
# word (签约, 节约, 集约, 履约, …) and 上下 of 上下游 are no such qualifier.
ABOUT_BEFORE_WORDS = ("大约", "约为", "约")  # before the number; 左右, 上下 after it
_ABOUT_BEFORE = re.compile(r"(?<![签节集履合预制契违特公守缔邀])(" + "|".join(ABOUT_BEFORE_WORDS) + r")\s*$")
_ABOUT_AFTER = re.compile(r"^\s*(左右|上下(?![游级班楼联贯同]))")
_ABOUT_AT_END = re.compile(r"(左右|上下)$")
_MODAL = re.compile(r"^(确保|力争|争取|争创|积极|年内|全年|全区|重点对|组织|大力|继续|[到至]\d{4}年[底末]?)+")


@dataclass(frozen=True)
class Indicator:
    """One measurable indicator of a task.

    ``source`` is 自动提取, 待确认 (extracted, but the target's wording does not tell its comparison for
    sure: the clerk confirms it in the 指标 sheet) or 人工 (the clerk's row).
    """

    indicator_id: str
    task_id: str
    name: str
    comparison: str  # one of COMPARISONS
    value: float
    unit: str
    upper: float = None  # the top of a range
    owner: str = ""  # the recipient that reports it
    source: str = SOURCE_AUTO
    about: str = ""  # the word that makes the number approximate, as the table wrote it: 左右, 上下, 约, 大约

    @property
    def target_text(self):
        """How the target reads: ≥92%, 至少3只, 1–2家, 零发生; an approximate number as written (6.5%左右)."""
        if not self.about:
            return self.reading_text
        return self.about + self._amount() if self.about in ABOUT_BEFORE_WORDS else self._amount() + self.about

    @property
    def reading_text(self):
        """How the tool reads the target, its comparison included (至少6.5% for 增长6.5%左右)."""
        if self.comparison in (ZERO, RANGE):
            return self._amount()
        return {GE: "≥", LE: "≤", EQ: "", AT_LEAST: "至少"}[self.comparison] + self._amount()

    def _amount(self):
        """The number (or range) and its unit: 92%, 1–2家; 零发生 for no occurrence."""
        if self.comparison == ZERO:
            return ZERO
        unit = "个行政村" if self.unit == "行政村" else self.unit
        if self.comparison == RANGE:
            return f"{number_text(self.value)}–{number_text(self.upper)}{unit}"
        return f"{number_text(self.value)}{unit}"

    def score(self, actual):
        """达标, 未达标, 未填报 when ``actual`` is None, 待核实 while the target's reading is 待确认.

        Values are cumulative to date.
        """
        if actual is None:
            return EMPTY
        if self.source == SOURCE_UNSURE:
            return UNCLEAR
        if self.comparison == ZERO:
            ok = actual == 0
        elif self.comparison == LE:
            ok = actual <= self.value
        else:  # ≥, at least, =, and the bottom of a range: reached
            ok = actual >= self.value
        return MET if ok else NOT_MET


def number_text(value: float) -> str:
    """A number as the tables write it: 92, 2.5 (never 92.0)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def extract(task_id, target):
    """The indicators in one target text, numbered T0101-1, T0101-2, …

    The comparison comes from the words of :data:`vocab.TARGET_WORDS` around each number; an indicator
    whose comparison the words do not tell for sure has the source 待确认.
    """
    found = []
    for sentence in re.split(r"[。]", target):
        inherited = None
        for clause in re.split(r"[，；;,]", sentence):
            clause = clause.strip()
            if clause:
                inherited = _extract_clause(clause, inherited, found)
    return [
        Indicator(
            f"{task_id}-{i}",
            task_id,
            name,
            comparison,
            value,
            unit,
            upper,
            source=SOURCE_AUTO if sure else SOURCE_UNSURE,
            about=about,
        )
        for i, (name, comparison, value, upper, unit, sure, about) in enumerate(found, start=1)
    ]


def _extract_clause(clause, inherited, found):
    """Append the clause's indicators to ``found``; returns the comparison a following clause inherits."""
    zero = _zero_clause(clause)
    if zero:
        found.append((zero, ZERO, 0.0, None, "起", True, ""))
        return inherited
    matches = [
        m
        for m in _NUMBER.finditer(clause)
        if not _DATE.match(clause[m.end() :]) and not clause[: m.start()].endswith("第")
    ]
    start, previous_name, carried = 0, "", ""
    for m in matches:
        before = carried + clause[start : m.start()].lstrip("、")
        before, about_before = _about_before(before)
        after_word, about_after, after, start = _after_number(clause, m, matches[-1] is m)
        before_word = _BEFORE.search(before)
        carried = ""
        if before_word and _WORD[(before_word.group(1), BEFORE)] == BASELINE:
            carried = before[: before_word.start()]  # 审批时限由5个工作日压缩至3个: the 5 is where it starts
            continue
        comparison, sure = _comparison(m, before_word, after_word, before, inherited)
        about = about_before or about_after
        sure = sure and not about  # 增长6.5%左右: about 6.5%, no exact pass line
        if sure and comparison in (AT_LEAST, GE, LE):
            inherited = comparison
        name = _clean_name(before[: before_word.start()] if before_word else before, after) or previous_name
        previous_name = name or _clean_name(clause, "")
        unit = _UNIT_NAMES.get(m.group("unit"), m.group("unit") or "")
        upper = float(m.group("b")) if m.group("b") else None
        for part in _split_rates(previous_name):
            found.append((part, comparison, float(m.group("a")), upper, unit, sure, about))
    # The next clause keeps counting what a verb counted (申报试点5家，高新技术企业试点1家); a ≥ or ≤ stays in its own.
    return inherited if inherited == AT_LEAST else None


def _after_number(clause, m, last):
    """(comparison word, approximate word, the words of the name, where the next number's words start) after the
    number ``m`` of ``clause``: 以上 of 80%以上, 左右 of 6.5%左右 (or of 1.4万亿斤左右, whose unit is no unit of
    :data:`UNITS`), 企业 of 新增5家企业; ``last``: ``m`` is the clause's last number."""
    rest, about = _about_after(clause[m.end() :])
    after_word = _AFTER.match(rest)
    rest = rest[after_word.end() :] if after_word else rest
    cut = rest.find("、")
    after = rest if cut < 0 else rest[:cut]
    if after and not last and _NUMBER.search(after):
        after = ""  # the next number's name, not this one's
    start = len(clause) - len(rest) + len(after)
    if not about and _ABOUT_AT_END.search(after):
        about, after = after[-2:], after[:-2]
    return after_word, about, after, start


def _about_before(text):
    """(``text`` without the approximate word at its end, the word or ""): 招商引资约 -> (招商引资, 约)."""
    word = _ABOUT_BEFORE.search(text)
    return (text[: word.start()], word.group(1)) if word else (text, "")


def _about_after(text):
    """(``text`` without the approximate word at its start, the word or ""): 左右，… -> (，…, 左右)."""
    word = _ABOUT_AFTER.match(text)
    return (text[word.end() :], word.group(1)) if word else (text, "")


def _zero_clause(clause):
    """The name of what must not happen, for a clause such as 全年不发生较大以上安全事故; else None."""
    if _NUMBER.search(clause):
        return None
    lead = _ZERO_LEAD.match(clause)
    if lead:
        name = clause[lead.end() :].strip()
        if name and (lead.group("word") != "无" or _ZERO_NAMES_AFTER_NONE.search(name)):
            return name
        return None
    tail = _AFTER_AT_END.search(clause)
    if tail and _WORD[(tail.group(1), AFTER)] == ZERO:
        return _ZERO_PREFIX.sub("", clause[: tail.start()]).strip() or None
    return None


def _comparison(m, before_word, after_word, before, inherited):
    """(comparison, sure) of one number, from the words just before and after it, then those earlier."""
    words = [_WORD[(w.group(1), at)] for w, at in ((before_word, BEFORE), (after_word, AFTER)) if w]
    words = [c for c in words if c != ZERO]  # 无3起: a number after a word of no occurrence is no target read
    stretch = bool(_STRETCH.search(before))
    if m.group("b"):
        return RANGE, not words  # 1-2家; 不低于3-5家 mixes a range with words
    if words:
        return words[0], len(set(words)) == 1  # 不低于…以内 contradicts itself
    if _EARLIER.search(_NOT_VERBS.sub("", before)):
        return AT_LEAST, True
    if inherited and not stretch:
        return inherited, True
    if float(m.group("a")) == 100 and m.group("unit") == "%":
        return EQ, True  # 合格率100%: nothing above it
    return (AT_LEAST if stretch else inherited or EQ), False


def _clean_name(before, after):
    name = (before + after).strip("、 ")
    name = _MODAL.sub("", name)
    return name.strip("、 ")


def _split_rates(name):
    """ "万台设备事故率、死亡率" names two rates; "中国名牌、江苏名牌产品企业…培训率" names one."""
    parts = name.split("、")
    if len(parts) > 1 and all(p.endswith("率") for p in parts):
        return parts
    return [name]


_RANGE_DASH = re.compile(r"(?<=\d)[–\-~](?=\d)")


def printed_target(text: str) -> str:
    """A target as an official table prints a range: 1～2家 (not 1–2家)."""
    return _RANGE_DASH.sub("～", text)


def shown_target(indicator: Indicator, target: str) -> str:
    """The one writing of an indicator's target in every output: as the task's ``target`` text wrote it
    (达100%, not ≥100% here and 达100% there), a range with ～."""
    return printed_target(written_target(indicator, target))


def written_target(indicator: Indicator, target: str) -> str:
    """The indicator's target as the table wrote it ("达100%", "≥92%", "71吨", "1-2家"); else :attr:`target_text`.

    The number is looked for in the task's target text with its unit and the comparison word just before
    it (and 以上/以下/以内 just after); an indicator a clerk added whose number the text lacks keeps
    the tool's own wording.
    """
    if indicator.comparison == ZERO:
        return indicator.target_text
    unit = "个行政村" if indicator.unit == "行政村" else indicator.unit
    target = target or ""
    named = max(target.find(indicator.name), 0)  # 兑现资金2亿元，发放贷款不少于2亿元: each its own 2亿元
    for m in sorted(_NUMBER.finditer(target), key=lambda m: m.start() < named):
        same_unit = (m.group("unit") or "") == unit
        same_upper = (float(m.group("b")) if m.group("b") else None) == indicator.upper
        if float(m.group("a")) == indicator.value and same_unit and same_upper:
            return _written_at(target, m, indicator)
    return indicator.target_text


def _written_at(target, m, indicator):
    """The indicator's target as ``target`` writes it around its number ``m``, with the comparison word just before
    it, 以上/以下/以内 just after, and the words of an approximate number (约5000万元, 6.5%左右); an approximate
    number whose reading the clerk confirmed prints as read (≥6%): the table's wording gives no pass line."""
    head, about_before = _about_before(target[: m.start()])
    rest, about_after = _about_after(target[m.end() :])
    if (about_before or about_after) and not indicator.about:
        return indicator.target_text
    word = _BEFORE.search(head)
    tail = _AFTER.match(rest)
    return (word.group(1) if word else "") + about_before + m.group(0) + about_after + (tail.group(1) if tail else "")
