"""The one data model every stage shares: periods, tasks, the table, recipients.

Column names that clerks see are defined here once, so that the table, the forms, the
collector and the reports cannot drift apart.
"""

import re
from dataclasses import dataclass, field

from .errors import UsageError

# Columns of the master responsibility table, in order.
COL_ID = "任务编号"
COL_SEQ = "序号"
COL_CATEGORY = "类别"
COL_ITEM = "工作内容"
COL_TARGET = "工作目标"
COL_LEADS = "牵头部门"
COL_PARTNERS = "配合部门"
TABLE_COLUMNS = (COL_ID, COL_SEQ, COL_CATEGORY, COL_ITEM, COL_TARGET, COL_LEADS, COL_PARTNERS)

ROLE_LEAD = "牵头"
ROLE_PARTNER = "配合"

# The four values of 完成状态, most advanced first.
STATUSES = ("已完成", "正常推进", "进度滞后", "未启动")

_PERIOD_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting month, written ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text):
        """Parse ``YYYY-MM``; raise UsageError with a Chinese message otherwise."""
        match = _PERIOD_RE.match(text or "")
        if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 9999:
            raise UsageError(f"期次“{text}”无效：请写成“年-月”，例如 2010-11。")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day):
        """The period a date falls in."""
        return cls(day.year, day.month)

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self):
        """How the period reads in Chinese text: 2010年11月."""
        return f"{self.year}年{self.month}月"

    def next(self):
        """The following month."""
        return Period(self.year + self.month // 12, self.month % 12 + 1)


@dataclass(frozen=True)
class Task:
    """One sub-item (工作内容) of the responsibility table.

    ``leads`` and ``partners`` hold department names as the table states them after
    aliases are applied; collectives such as 各镇、街道 stay whole here and are expanded
    into recipients by :meth:`Table.recipients`.
    """

    task_id: str
    seq: int
    category: str
    item: str
    target: str
    leads: tuple = ()
    partners: tuple = ()
    leads_text: str = ""  # the table's own wording, shown in summaries
    partners_text: str = ""
    row: int = 0  # where it was read from, for messages; 0 when not from a sheet
    extras: tuple = ()  # (header, value) per extra column of the table, in its column order; "" when empty
    key: bool = False  # a key task, marked ★ in the table (the ★ itself is not kept in the text)

    @property
    def label(self):
        """Short human label: 产品质量（T0101）."""
        return f"{self.item}（{self.task_id}）"


@dataclass(frozen=True)
class Assignment:
    """A task as one recipient answers for it."""

    task: Task
    role: str  # ROLE_LEAD or ROLE_PARTNER


@dataclass
class Recipient:
    """A unit that receives its own fill-in workbook."""

    name: str
    assignments: list = field(default_factory=list)
    collective: bool = False  # an unexpanded collective such as 区有关部门

    @property
    def task_ids(self):
        return [a.task.task_id for a in self.assignments]

    def role_of(self, task_id):
        for a in self.assignments:
            if a.task.task_id == task_id:
                return a.role
        return None


@dataclass
class Table:
    """The responsibility table: ordered tasks plus where it came from."""

    tasks: list
    source: str = ""
    title: str = ""
    indicators: list = field(default_factory=list)  # indicators.Indicator, in table order
    indicator_record: dict = field(default_factory=dict)  # task_id -> target fingerprint at extraction
    extra_columns: tuple = ()  # headers of the table's own further columns (完成时限, 备注 …), in order

    def task(self, task_id):
        for t in self.tasks:
            if t.task_id == task_id:
                return t
        raise KeyError(task_id)

    @property
    def categories(self):
        """Category names in table order, each once."""
        seen = []
        for t in self.tasks:
            if t.category not in seen:
                seen.append(t.category)
        return seen

    def recipients(self, departments):
        """Every recipient with its tasks and roles, in order of first appearance.

        Args:
            departments: a :class:`dutytable.departments.Departments` that expands
                collectives into concrete recipients.

        Returns:
            A list of :class:`Recipient`; a recipient named as lead and as partner of
            the same task is its lead.
        """
        by_name = {}
        for task in self.tasks:
            for role, names in ((ROLE_LEAD, task.leads), (ROLE_PARTNER, task.partners)):
                for name in names:
                    for member in departments.expand(name):
                        rec = by_name.get(member)
                        if rec is None:
                            rec = by_name[member] = Recipient(
                                member, collective=departments.is_unexpanded_collective(member))
                        if rec.role_of(task.task_id) is None:
                            rec.assignments.append(Assignment(task, role))
        return list(by_name.values())
