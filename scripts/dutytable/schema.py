"""The declared columns: every column of the table, the form and the outputs, said once.

A :class:`Column` says what a column is (its header, where its value comes from, whether
a unit fills it in and which roles must), whether the ledger keeps it, and where it
appears (the form, the 汇总 and 明细 sheets, the Word 附件) with its width there. A
:class:`Schema` is an ordered set of columns plus the order of each place. forms, inbox,
ledger, consolidate, report, demo and the tests' return builder all read from it, so a
new column is one declaration here.

A column that a place's layout does not name, but that has a width there, stands at
the layout's :data:`EXTRAS` mark: that is where the table's own extra columns (完成时限,
责任领导, …) go.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property

from .vocab import COMPLETION, ROLE_LEAD, ROLE_PARTNER, SUBMISSIONS_SHEET

# -- header words, each written once ------------------------------------------------
H_ID = "任务编号"
H_SEQ = "序号"
H_CATEGORY = "类别"
H_ITEM = "工作内容"
H_TARGET = "工作目标"
H_LEADS = "牵头部门"
H_PARTNERS = "配合部门"
H_RESPONSIBLE = "责任单位"  # the 附件's one column for 牵头 and 配合
H_ROLE = "职责"
H_STATUS = "完成状态"
H_WARNING = "预警"  # the task's light (红灯, 黄灯, 绿灯) and its reason, by warning.light
H_PROGRESS = "推进情况"
H_PROBLEMS = "存在问题"
H_PLANS = "下步打算"
H_UNIT = "填报单位"
H_FILLER = "填报人"
H_PHONE = "联系电话"
H_DATE = "填报日期"
H_LEAD_STATUSES = "各牵头单位状态"
H_MISSING = "未报送单位"
H_SUBMISSION = "报送状态"
H_SUBMISSIONS = SUBMISSIONS_SHEET  # the sheet and its column share the word
H_FILE = "来源文件"
H_RECEIVED = "收到时间"
H_FILE_TIME = "文件时间"  # when the returned file says it was saved, beside when it was received
H_HELD = "待确认版本"  # later returns waiting for the clerk before they replace the one that counts
H_TASKS = "任务数"
H_DEADLINE = "报送截止日期"
H_NOTE = "说明"
H_REMARKS = "备注"
H_TOTAL = "合计"
# Indicators
H_IND_ID = "指标编号"
H_IND_NAME = "指标名称"
H_IND_TARGET = "目标"
H_IND_UNIT = "单位"
H_IND_VALUE = "截至本月累计完成值"
H_IND_ACTUAL = "截至本月完成值"
H_PACE = "序时进度"  # what a cumulative indicator should have reached by the day (pace.py)
H_ATTAINMENT = "达标情况"
H_COMPARISON = "比较"
H_TARGET_VALUE = "目标值"
H_TARGET_UPPER = "目标上限"
H_SOURCE = "来源"
# The 年度汇总 (annual.py)
H_LAST_PROGRESS = "最近一期推进情况"
H_BEHIND_PERIODS = "进度滞后期数"
H_NOT_STARTED_PERIODS = "未启动期数"
H_ON_TIME_RATE = "按时报送率"
H_FIX_COUNT = "补正次数"
H_SCORE = "得分"
H_RANK = "排名"
H_LAST_ACTUAL = "最近一期完成值"

# -- where a column's value comes from ----------------------------------------------
TASK = "task"  # an attribute of model.Task (read-only on the form)
EXTRA = "extra"  # one of the table's own extra columns, model.Task.extras (read-only)
ROLE = "role"  # the recipient's role in the task (read-only)
ANSWER = "answer"  # filled in by the unit on its form
COMPUTED = "computed"  # made by consolidation (a unit's submission state, the units missing, …)

# -- places --------------------------------------------------------------------------
FORM = "form"
SUMMARY = "summary"
DETAIL = "detail"
ATTACHMENT = "report"  # the Word 附件
EXTRAS = "*"  # the mark in a layout where undeclared columns with a width there stand


@dataclass(frozen=True)
class Column:
    """One column.

    Args:
        key: the identifier: the ledger's field name, the attribute of a task for TASK columns.
        header: what a clerk reads.
        source: TASK, EXTRA, ROLE, ANSWER or COMPUTED.
        widths: place -> width (Excel character units; millimetres in the report); absent: not shown there.
        required: roles that must fill an ANSWER column in.
        choices: the values allowed (a dropdown on the form).
        ledger: the ledger keeps it with each answer (ANSWER columns always; a read-only column as it stood).
        is_status: the task's 完成状态: the column whose value the leads' statuses, the counts, the colours and
            the 附件 read (a schema has one; another column with choices is a dropdown like any other).
    """

    key: str
    header: str
    source: str
    widths: dict = field(default_factory=dict, hash=False, compare=False)
    required: tuple = ()
    choices: tuple = ()
    ledger: bool = False
    is_status: bool = False

    @property
    def is_input(self) -> bool:
        return self.source == ANSWER

    @property
    def choices_text(self) -> str:
        """The choices as the form's prompts and the collector's messages list them: 已完成、正常推进、…"""
        return "、".join(self.choices)

    @property
    def locked(self) -> bool:
        """Shown on the form but not to be changed: checked against the table when a return comes back."""
        return self.source in (TASK, EXTRA, ROLE)

    def width(self, place: str) -> float | None:
        return self.widths.get(place)

    def task_value(self, task, role: str = "") -> str:
        """The value of a read-only column for ``task`` (and the recipient's ``role``)."""
        if self.source == ROLE:
            return role
        if self.source == EXTRA:
            return dict(task.extras).get(self.header, "")
        value = getattr(task, self.key)
        return value if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Schema:
    """Ordered columns and each place's layout (keys in order, with the EXTRAS mark)."""

    columns: tuple
    layouts: dict = field(hash=False, compare=False, default_factory=dict)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)

    def at(self, place: str) -> list:
        """The columns shown at ``place``, in its order (worked out once per schema and place)."""
        cache = self.__dict__.setdefault("_places", {})  # a frozen dataclass: the cache bypasses __setattr__
        if place not in cache:
            cache[place] = self._at(place)
        return list(cache[place])

    def _at(self, place: str) -> list:
        shown = [c for c in self.columns if c.width(place) is not None]
        layout = self.layouts.get(place, (EXTRAS,))
        named = {c.key: c for c in shown if c.key in layout}
        rest = [c for c in shown if c.key not in layout]
        result = []
        for key in layout:
            if key == EXTRAS:
                result.extend(rest)
            elif key in named:
                result.append(named[key])
        return result

    @cached_property
    def ledger_columns(self) -> list:
        return [c for c in self.columns if c.ledger]

    @cached_property
    def answer_columns(self) -> list:
        return [c for c in self.columns if c.is_input]

    @cached_property
    def status_column(self) -> Column | None:
        """The column declared the task's 完成状态 (``is_status``), or None."""
        return next((c for c in self.columns if c.is_status), None)

    def with_columns(self, *columns: Column) -> Schema:
        """This schema with more columns (they stand at each layout's EXTRAS mark)."""
        return replace(self, columns=self.columns + tuple(columns))

    def with_extras(self, headers, places: dict | None = None) -> Schema:
        """Read-only columns for the table's own extra columns, shown where ``places`` says.

        Args:
            headers: the extra columns' headers, in the table's order.
            places: header -> {place: width}; default: the form, 汇总 and 明细 (width 12).
        """
        if not headers:
            return self
        columns = []
        for header in headers:
            widths = (places or {}).get(header, {FORM: 12, SUMMARY: 12, DETAIL: 12})
            columns.append(Column(extra_key(header), header, EXTRA, widths, ledger=True))
        return self.with_columns(*columns)


def extra_key(header: str) -> str:
    """The ledger's key of an extra column: from its header, so that a column moved or inserted in the table
    leaves what earlier returns said under the right header (an identifier: 明细 rows are named tuples)."""
    return "extra_" + hashlib.sha256(header.encode("utf-8")).hexdigest()[:10]


def _c(key, header, source, required=(), choices=(), ledger=None, is_status=False, **widths):
    return Column(
        key, header, source, widths, required, choices, source == ANSWER if ledger is None else ledger, is_status
    )


DEFAULT = Schema(
    columns=(
        _c("task_id", H_ID, TASK, form=9, detail=7),
        _c("seq", H_SEQ, TASK, summary=5, report=10),
        _c("category", H_CATEGORY, TASK, summary=8, detail=8),  # the 附件 prints it as a band row
        _c("item", H_ITEM, TASK, form=11, summary=12, detail=8, report=21),
        _c("target", H_TARGET, TASK, form=34, summary=22, report=45),
        _c("leads_text", H_LEADS, TASK, summary=10, report=28),  # the 附件's 责任单位: 牵头 and 配合
        _c("partners_text", H_PARTNERS, TASK, summary=12),
        _c("recipient", H_UNIT, COMPUTED, detail=10),
        _c("role", H_ROLE, ROLE, form=6, detail=5),
        _c("submission", H_SUBMISSION, COMPUTED, detail=7),
        _c(
            "status",
            H_STATUS,
            ANSWER,
            (ROLE_LEAD, ROLE_PARTNER),
            COMPLETION,
            is_status=True,
            form=11,
            summary=12,
            detail=8,
            report=19,
        ),
        _c("warning", H_WARNING, COMPUTED, summary=12, report=16),
        _c("lead_statuses", H_LEAD_STATUSES, COMPUTED, summary=16),
        _c("progress", H_PROGRESS, ANSWER, (ROLE_LEAD,), form=40, summary=28, detail=30, report=102),
        _c("problems", H_PROBLEMS, ANSWER, form=20, summary=13, detail=16),
        _c("plans", H_PLANS, ANSWER, form=20, summary=13, detail=16),
        _c("missing", H_MISSING, COMPUTED, summary=11),
        _c("filler", H_FILLER, COMPUTED, detail=7),
        _c("phone", H_PHONE, COMPUTED, detail=13),
        _c("file", H_FILE, COMPUTED, detail=14),
        _c("received_at", H_RECEIVED, COMPUTED, detail=17),
    ),
    layouts={
        FORM: ("task_id", "item", "target", EXTRAS, "role", "status", "progress", "problems", "plans"),
        SUMMARY: (
            "seq",
            "category",
            "item",
            "target",
            "leads_text",
            "partners_text",
            EXTRAS,
            "status",
            "warning",
            "lead_statuses",
            "progress",
            "problems",
            "plans",
            "missing",
        ),
        DETAIL: (
            "task_id",
            "category",
            "item",
            EXTRAS,
            "recipient",
            "role",
            "submission",
            "status",
            "progress",
            "problems",
            "plans",
            "filler",
            "phone",
            "file",
            "received_at",
        ),
        # 推进情况 takes what the others leave of the type area (report.report_widths).
        ATTACHMENT: ("seq", "item", "target", "leads_text", EXTRAS, "progress", "status", "warning"),
    },
)

# The master table's columns, in order (model.Table is read from and written to these).
TABLE_COLUMNS = (H_ID, H_SEQ, H_CATEGORY, H_ITEM, H_TARGET, H_LEADS, H_PARTNERS)

# The 指标填报 sheet of a form: (header, width); the value and the note are filled in.
INDICATOR_FORM_COLUMNS = (
    (H_IND_ID, 10),
    (H_ID, 9),
    (H_IND_NAME, 36),
    (H_IND_TARGET, 12),
    (H_IND_UNIT, 7),
    (H_IND_VALUE, 16),
    (H_NOTE, 40),
)
# The master table's editable 指标 sheet.
INDICATOR_COLUMNS = (
    H_IND_ID,
    H_ID,
    H_ITEM,
    H_IND_NAME,
    H_COMPARISON,
    H_TARGET_VALUE,
    H_TARGET_UPPER,
    H_IND_UNIT,
    H_UNIT,
    H_SOURCE,
)
