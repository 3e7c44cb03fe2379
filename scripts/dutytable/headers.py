"""The header words of a responsibility table, by meaning: the one list of words the import accepts.

Light: the standard library and the vocabulary only, so that config.ini's [columns] can be checked
without loading the readers of Word and Excel.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from .errors import ConfigError
from .model import ROLE_LEAD, ROLE_PARTNER
from .schema import DEFAULT, H_CATEGORY, H_ITEM, H_LEADS, H_PARTNERS, H_SEQ, H_TARGET

SEQ, CATEGORY, TEXT, LEADS, PARTNERS, RESPONSIBLE, DEADLINE = (
    "seq",
    "category",
    "text",
    "leads",
    "partners",
    "responsible",
    "deadline",
)

COLUMN_WORDS = {
    # meaning: (its name for clerks, also its key in config.ini [columns]; the header words that mean it)
    SEQ: (H_SEQ, (H_SEQ, "编号", "序")),
    CATEGORY: (H_CATEGORY, (H_CATEGORY, "分类", "类型", "任务类别", "工作类别", "项目类别", "领域", "板块")),
    TEXT: (
        "任务内容",
        (
            H_ITEM,
            H_TARGET,
            "目标任务",
            "目标与任务",
            "重点工作任务",
            "工作任务",
            "任务内容",
            "事项",
            "工作事项",
            "主要任务",
            "重点任务",
            "具体任务",
            "任务",
            "工作要点",
            "重点工作",
            "主要工作",
            "内容",
            "工作目标任务",
            "任务名称",
            "具体工作",
            "工作措施",
            "主要内容",
            "重点事项",
            "具体措施",
            "主要措施",
            "措施",
            "督查内容",
            "督查事项",
            "项目名称",
            "项目内容",
            "建设内容",
        ),
    ),
    LEADS: (
        "牵头单位",
        (
            H_LEADS,
            "牵头单位",
            "牵头责任单位",
            "牵头责任部门",
            "牵头处室",
            "主要责任单位",
            "主要责任部门",
            ROLE_LEAD,
            "主办单位",
            "主责单位",
            "主责部门",
            "责任牵头单位",
        ),
    ),
    PARTNERS: (
        "配合单位",
        (
            H_PARTNERS,
            "配合单位",
            "协同配合单位",
            "协同责任单位",
            "协同单位",
            "协同部门",
            "协办单位",
            "协办部门",
            "参与单位",
            "参与部门",
            ROLE_PARTNER,
            "配合责任单位",
            "其他责任单位",
        ),
    ),
    RESPONSIBLE: ("责任单位", ("责任单位", "责任部门", "责任主体", "承办单位", "落实单位")),
    DEADLINE: (
        "完成时限",
        ("完成时限", "时间节点", "完成时间", "时限要求", "时限", "完成期限", "时间要求", "进度安排", "完成时间节点"),
    ),
}
"""Header words by meaning. Two columns of task text (项目名称 | 主要内容, 重点任务 | 具体措施) are the
item and its target; one is both. 责任单位 alone lists every unit (the lead marked （牵头）, or listed first
when config.ini says so); beside a lead column it lists the cooperating units. 完成时限 and the
other words of DEADLINE name an extra column that holds the deadline. Any other header is an extra
column kept under its own name."""

COLUMN_LABELS = {label: meaning for meaning, (label, _) in COLUMN_WORDS.items()}

# Headers of a received table that mean what the form asks each month (besides the form's own headers).
ANSWER_WORDS = (
    "完成情况",
    "落实情况",
    "进展情况",
    "工作进展",
    "进展",
    "进度",
    "完成进度",
    "推进落实情况",
    "工作推进情况",
    "目前进展",
    "当前进展",
    "进展成效",
    "完成进展",
)
KEPT = "其他列（保留）"  # what --check says of an extra column
SOURCE_PREFIX = "原表"  # 完成情况 of the received table is kept as 原表完成情况


def distinct_from_form(header: str) -> str:
    """An extra column's header as kept: one the form has (完成状态, 推进情况 …) or one meaning what the
    form asks each month (完成情况, 落实情况 …) gets :data:`SOURCE_PREFIX`, so that the form never shows
    two columns of one name and last year's status never reads as this month's."""
    return SOURCE_PREFIX + header if normalise_header(header) in _form_headers() else header


@functools.cache
def _form_headers() -> frozenset:
    """The headers of the form's own columns and the words meaning them, normalised: worked out once."""
    return frozenset({normalise_header(c.header) for c in DEFAULT.columns} | set(ANSWER_WORDS))


KEY_COLUMN = "重点"  # the master table's column for ★ key tasks, written only when there are any
KEY_MARK = "★"


_BRACKET_TAIL = re.compile(r"\([^()]*\)$")


def normalise_header(text: str) -> str:
    """A header cell as matched: full-width forms folded, spaces and line breaks gone, 牵 头 单 位 → 牵头单位."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s*★:]+", "", text)


@dataclass(frozen=True)
class ImportOptions:
    """How tables are read: config.ini's [columns] and [import], and the table chosen on the command line.

    Attributes:
        columns: meaning label (a key of :data:`COLUMN_LABELS`) -> further header words.
        first_listed_lead: a single 责任单位 column names the lead first.
        table_number: which table of a document to import, 1-based; 0 finds it.
        soffice: the LibreOffice program; None looks for it, "" means it is not installed.
    """

    columns: dict = field(default_factory=dict)
    first_listed_lead: bool = False
    table_number: int = 0
    soffice: str | None = None

    def words(self):
        """meaning -> set of normalised header words, the built-in ones and config.ini's."""
        result = {}
        for meaning, (label, words) in COLUMN_WORDS.items():
            extra = tuple(self.columns.get(label, ()))
            result[meaning] = {normalise_header(w) for w in words + extra}
        return result

    def accepted(self, meaning):
        """The header words of a meaning as a clerk reads them: 牵头部门、牵头单位、…"""
        label, words = COLUMN_WORDS[meaning]
        return "、".join(dict.fromkeys(words + tuple(self.columns.get(label, ()))))


def check_column_config(columns: dict, path) -> dict:
    """config.ini [columns] checked: every key one of :data:`COLUMN_LABELS`; raises ConfigError."""
    for key in columns:
        if key not in COLUMN_LABELS:
            raise ConfigError(
                f"配置文件 {path} 的 [columns] 中“{key}”无效：左边应写以下之一："
                f"{'、'.join(COLUMN_LABELS)}，例如“牵头单位 = 牵头科室、主抓单位”。"
            )
    return columns


def meaning_of(label, words):
    key = normalise_header(label)
    for candidate in (key, _BRACKET_TAIL.sub("", key)):
        for meaning, accepted in words.items():
            if candidate and candidate in accepted:
                return meaning
    return None


def header_like(labels, words):
    """True for a row of header words: the task text and at least one more known column."""
    meanings = [meaning_of(t, words) for t in labels if t]
    return TEXT in meanings and sum(1 for m in meanings if m) >= 2
