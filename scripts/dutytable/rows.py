"""The rows of a received table (or the items of a numbered list) as tasks: headings, numbering, inline units,
the units' roles, problems grouped by cause.
"""

import re
from dataclasses import dataclass, field

from .errors import TableError
from .grids import join_text
from .headers import KEY_MARK, LEADS, PARTNERS, RESPONSIBLE, meaning_of
from .matching import task_id_for
from .model import Task
from .schema import H_TARGET
from .vocab import CN_NUMERALS

NO_CATEGORY = "全部任务"  # the category of a table that has none


@dataclass
class Columns:
    """Grid columns by meaning; each meaning may span several grid columns."""

    seq: list = field(default_factory=list)
    category: list = field(default_factory=list)
    item: list = field(default_factory=list)
    target: list = field(default_factory=list)
    leads: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    responsible: list = field(default_factory=list)
    extras: list = field(default_factory=list)  # (header, [columns])
    shown: list = field(default_factory=list)  # (header, what it became)


_N = CN_NUMERALS
HEADING = re.compile(
    rf"^\s*(?:(?P<l1>[{_N}]{{1,3}})\s*[、.．，,]|[（(]\s*(?P<l2>[{_N}]{{1,3}})\s*[）)]"
    rf"|第(?P<l1b>[{_N}]{{1,3}})(?:部分|类|章|篇|项)?[、：:，,\s]*)"
)  # 一、 （一） 第一部分
_SEQ_HEADING = re.compile(rf"^(?:[（(](?P<l2>[{_N}]{{1,3}})[）)]|(?P<l1>[{_N}]{{1,3}})[、.．]?)$")
_LEADER_NOTE = re.compile(r"[（(][^（）()]*(?:领导|分管|负责人)[^（）()]*[）)]")
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.、．](?!\d)|[（(]\s*\d{1,3}\s*[）)]|\d{1,3}\s+)\s*")


FIRST_IS_LEAD = re.compile(r"第一[位个].{0,6}牵头|排[在名]?第一.{0,6}牵头|首位.{0,6}牵头")
_ITEM_CUT = re.compile(r"[，,：:；;。！!？?]")
_SENTENCE_ENDS = ("。", "；", ";", "！", "!", "）", ")")


def inline_pattern(words):
    labels = sorted(words[LEADS] | words[PARTNERS] | words[RESPONSIBLE], key=len, reverse=True)
    return re.compile(r"[（(]?\s*(" + "|".join(re.escape(w) for w in labels) + r")\s*[：:]")


def _inline_units(text, words, pattern):
    """Split "…工作。（牵头单位：甲；责任单位：乙、丙）" into the task text and {meaning: units}."""
    matches = list(pattern.finditer(text))
    if not matches:
        return text, {}
    found = {}
    for m, following in zip(matches, matches[1:] + [None]):
        value = text[m.end() : following.start() if following else len(text)]
        meaning = meaning_of(m.group(1), words)
        found[meaning] = (found.get(meaning, "") + "、" + value.strip(" ；;。）)")).strip("、")
    return text[: matches[0].start()].rstrip(" ，,；;"), found


def short_item(text: str) -> str:
    """The short 工作内容 label of a task known only by one text: its first clause when 2–20 characters
    long ("加快产业转型升级，…" → "加快产业转型升级"), else its first 18 characters and "…"."""
    first = _ITEM_CUT.split(text, maxsplit=1)[0].strip()
    if 2 <= len(first) <= 20:
        return first
    return text if len(text) <= 20 else text[:18] + "…"


def category_heading(texts, cols, band, units, previous):
    """(level, name) when a row heads a category ("一、…", "（一）…", a 序号 of 一, a band across the row).

    A short phrase alone in the task column, after a task whose text ends a sentence, heads a
    category too; text that carries on a sentence is the previous task continued after a page break.
    """
    if units:
        return None
    filled = [(c, t) for c, t in enumerate(texts) if t]
    if not filled:
        return None
    seq = "".join(texts[c] for c in cols.seq)
    m = _SEQ_HEADING.match(seq) if seq else None
    if m:
        name = next((t for c, t in filled if c not in cols.seq), "")
        return (2 if m.group("l2") else 1), name
    first_col, first = filled[0]
    m = HEADING.match(first)
    if m:
        return (2 if m.group("l2") else 1), first
    text_cols = cols.item or cols.target
    if len({t for _, t in filled}) == 1 and (band or (text_cols and first_col < text_cols[0])):
        return 1, first
    if (
        len(filled) == 1
        and first_col in text_cols
        and len(first) <= 20
        and not _ITEM_CUT.search(first)
        and not seq
        and (previous is None or previous.endswith(_SENTENCE_ENDS))
    ):
        return 1, first
    return None


def clean_heading(name):
    """一、加快产业发展工作目标（牵头领导：王副区长） → 加快产业发展工作目标."""
    name = HEADING.sub("", name.replace(KEY_MARK, ""), count=1)
    name = _LEADER_NOTE.sub("", name)
    return name.strip(" ：:。；;")


class _Problems:
    """Problems grouped by cause: one line per cause naming every row it applies to."""

    def __init__(self, where, unit="行"):
        self.where = where
        self.unit = unit  # 行 of a table or a text, 段 (paragraph) of a Word list
        self.causes = {}

    def add(self, rownum, cause):
        self.causes.setdefault(cause, []).append(rownum)

    def lines(self):
        result = []
        for cause, rows in self.causes.items():
            shown = "、".join(str(r) for r in rows[:10]) + (f"等 {len(rows)} " if len(rows) > 10 else "")
            result.append(f"{self.where}第{shown}{self.unit}：{cause}")
        return result


def records_to_tasks(records, cols, departments, where, first_listed, words, inline, joins, unit="行"):
    """Tasks from the rows gathered under each task: text cleaned (★, numbering, inline units), units by role.

    Categories are numbered in order of appearance and tasks within each, as T0102; problems
    are grouped by cause, one line each, naming every row. ``joins`` receives (row, first line,
    second line, unit) for each unit name broken over two lines of a cell. ``unit`` names the rows in
    problems (行, or 段 for the paragraphs of a list).
    """
    problems = _Problems(where, unit)
    tasks, seen, counts, category_seq = [], {}, {}, {}
    for r in records:
        read = _text_and_units(r, departments, first_listed, words, inline, joins, problems)
        if read is None:
            continue
        text, key, leads, partners, lead_tokens, partner_tokens = read
        category = r["category"] or NO_CATEGORY
        item = _item_name(r, cols, category, text, seen, problems)
        if item is None:
            continue
        seen[(category, item)] = r["row"]
        seq = category_seq.setdefault(category, len(category_seq) + 1)
        counts[seq] = counts.get(seq, 0) + 1
        extras = tuple((label, join_text(p)) for (label, _), p in zip(cols.extras, r["extras"]))
        tasks.append(
            Task(
                task_id=task_id_for(seq, counts[seq]),
                seq=seq,
                category=category,
                item=item,
                target=text,
                leads=tuple(leads),
                partners=tuple(partners),
                leads_text="、".join(lead_tokens),
                partners_text="、".join(partner_tokens),
                row=r["row"],
                extras=extras,
                key=key,
            )
        )
    lines = problems.lines()
    if lines:
        raise TableError(lines[0], lines[1:])
    if not tasks:
        raise TableError(f"{where}：表格中没有任何工作内容，请确认这是目标任务责任分解表。")
    return tasks


def _text_and_units(r, departments, first_listed, words, inline, joins, problems):
    """(text, key, leads, partners, lead tokens, partner tokens) of one record: its text cleaned, its units
    as named (by their names in config.ini) and as written; None, with the cause in ``problems``, when it
    has no lead that can be told, no text or no lead at all."""
    text = join_text(r["target"])
    key = KEY_MARK in text or KEY_MARK in r["seq"] or KEY_MARK in r["item"]
    text = text.replace(KEY_MARK, "").strip()
    text, found = _inline_units(text, words, inline)
    text = _NUMBERING.sub("", text).strip()
    units = _task_units(r, found, departments, first_listed, joins)
    if units is None:
        problems.add(
            r["row"],
            "责任单位中没有标明牵头单位。请在牵头单位名称后加“（牵头）”，"
            "或者在 config.ini 的 [import] 中写“first_listed_lead = "
            "是”（列第一位的为牵头单位）。",
        )
        return None
    lead_tokens, partner_tokens = units
    leads = list(dict.fromkeys(departments.aliases.get(t, t) for t in lead_tokens))
    lead_tokens = list(dict.fromkeys(lead_tokens))
    partner_tokens = [t for t in dict.fromkeys(partner_tokens) if departments.aliases.get(t, t) not in leads]
    partners = list(dict.fromkeys(departments.aliases.get(t, t) for t in partner_tokens))
    if not text:
        problems.add(r["row"], f"{H_TARGET}为空，请填写该项的任务内容。")
        return None
    if not leads:
        problems.add(r["row"], "没有牵头单位，请至少填写一个牵头单位。")
        return None
    return text, key, leads, partners, lead_tokens, partner_tokens


def _item_name(r, cols, category, text, seen, problems):
    """The task's 项目名称, unique within its category: the table's own, or one made from its text (with
    （2） … after a name already used); None, with the cause in ``problems``, when the table names two rows
    alike."""
    item = r["item"].replace(KEY_MARK, "").strip()
    if cols.item and not r["carried"]:
        item = _NUMBERING.sub("", item)
        if (category, item) in seen:
            problems.add(
                r["row"],
                f"与第{seen[(category, item)]}行重复（类别“{category}”下已有“{item}”），请删除重复的一行。",
            )
            return None
        return item
    # a name of its own for each row under one merged 项目名称 too
    base = item = _NUMBERING.sub("", item) if r["carried"] else short_item(text)
    n = 1
    while (category, item) in seen:
        n += 1
        item = f"{base}（{n}）"
    return item


def _task_units(r, found, departments, first_listed, joins):
    """(lead names, partner names) of a task as written, or None when its 责任单位 lists several units
    and the lead is not known.

    One unit alone in a 责任单位 cell is the lead; of several, the one marked （牵头）, or the first
    when the table or config.ini says so. Lines of a cell that break one name are joined (``joins``).
    """

    def cell(key):
        text, made = departments.join_lines(r[key])
        joins.extend((r["row"], *j) for j in made)
        return text

    leads_raw = cell("leads") or found.get(LEADS, "")
    partners_raw = cell("partners") or found.get(PARTNERS, "")
    responsible_raw = cell("responsible") or ("" if leads_raw else found.get(RESPONSIBLE, ""))
    if found.get(RESPONSIBLE) and leads_raw and not partners_raw:
        partners_raw = found[RESPONSIBLE]  # 牵头单位：甲；责任单位：乙 — 责任单位 beside a lead
    lead_tokens = [t for t, _ in departments.tokens(leads_raw)]
    partner_tokens = []
    for token, marked in departments.tokens(partners_raw):
        (lead_tokens if marked else partner_tokens).append(token)
    listed = departments.tokens(responsible_raw)
    marked = [t for t, m in listed if m]
    if marked:
        lead_tokens += marked
        partner_tokens += [t for t, m in listed if not m]
    elif listed and (len(listed) == 1 or first_listed):
        lead_tokens.append(listed[0][0])
        partner_tokens += [t for t, _ in listed[1:]]
    elif listed:
        return None
    return lead_tokens, partner_tokens
