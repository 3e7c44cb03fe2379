"""The one data model every stage shares: periods, tasks, the table, recipients.

Column names and the words clerks see are defined in :mod:`schema` and :mod:`vocab`;
this module holds the structures built from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .schema import TABLE_COLUMNS  # noqa: F401
from .vocab import ROLE_LEAD, ROLE_PARTNER, Period  # noqa: F401 - Period is part of the model


@dataclass(frozen=True)
class Task:
    """One sub-item (工作内容) of the responsibility table.

    ``leads`` and ``partners`` hold department names as the table states them after
    aliases are applied; collectives such as 各镇、街道 stay whole here and are expanded
    into recipients by :meth:`Table.recipients` (one that config.ini does not expand is none).
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
    closed: str = ""  # the master's 办结 column: the period (YYYY-MM) whose 已完成 closed it; "" while open

    @property
    def label(self) -> str:
        """Short human label: 产品质量（T0101）."""
        return f"{self.item}（{self.task_id}）"


@dataclass(frozen=True)
class Assignment:
    """A task as one recipient answers for it."""

    task: Task
    role: str  # vocab.ROLE_LEAD or vocab.ROLE_PARTNER


@dataclass
class Recipient:
    """A unit that receives its own fill-in workbook."""

    name: str
    assignments: list = field(default_factory=list)

    @property
    def task_ids(self) -> list:
        return [a.task.task_id for a in self.assignments]

    def role_of(self, task_id: str) -> str | None:
        for a in self.assignments:
            if a.task.task_id == task_id:
                return a.role
        return None


@dataclass(frozen=True)
class TaskChange:
    """A task a re-import added or removed, as it stood then, and the period (YYYY-MM) of that import."""

    ADDED = "新增"
    REMOVED = "删除"

    kind: str  # ADDED or REMOVED
    period: str
    task: Task


@dataclass
class Table:
    """The responsibility table: ordered tasks plus where it came from."""

    tasks: list
    source: str = ""
    title: str = ""
    indicators: list = field(default_factory=list)  # indicators.Indicator, in table order
    indicator_record: dict = field(default_factory=dict)  # task_id -> target fingerprint at extraction
    extra_columns: tuple = ()  # headers of the table's own further columns (完成时限, 备注 …), in order
    schema: schema.Schema = None  # the declared columns; default: schema.DEFAULT with the extra columns
    history: list = field(default_factory=list)  # TaskChange: tasks added and removed by re-imports, in order

    def __post_init__(self) -> None:
        if self.schema is None:
            self.schema = schema.DEFAULT.with_extras(self.extra_columns)

    @property
    def retired(self) -> list:
        """The tasks re-imports removed (and none put back since): their IDs are never given to another task."""
        present = {t.task_id for t in self.tasks}
        return [c.task for c in self.history if c.kind == TaskChange.REMOVED and c.task.task_id not in present]

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.task_id == task_id:
                return t
        raise KeyError(task_id)

    @property
    def categories(self) -> list:
        """Category names in table order, each once."""
        seen = []
        for t in self.tasks:
            if t.category not in seen:
                seen.append(t.category)
        return seen

    def recipients(self, departments) -> list:
        """Every recipient with its tasks and roles, in order of first appearance.

        Args:
            departments: a :class:`dutytable.departments.Departments` that expands
                collectives into concrete recipients.

        Returns:
            A list of :class:`Recipient`; a recipient named as lead and as partner of
            the same task is its lead. A collective that ``departments`` does not expand
            (区有关部门) is no recipient: it gets no form, and no unit answers for it.
        """
        by_name, assigned = {}, set()
        for task in self.tasks:
            for role, names in ((ROLE_LEAD, task.leads), (ROLE_PARTNER, task.partners)):
                for name in names:
                    for member in departments.expand(name):
                        rec = by_name.get(member)
                        if rec is None:
                            rec = by_name[member] = Recipient(member)
                        if (member, task.task_id) not in assigned:  # its first role of the task stays
                            assigned.add((member, task.task_id))
                            rec.assignments.append(Assignment(task, role))
        return list(by_name.values())

    def collectives(self, departments) -> list:
        """The collectives the tasks name that ``departments`` does not expand (no form goes to them), in order of
        first appearance."""
        names = [n for t in self.tasks for n in t.leads + t.partners if departments.is_unexpanded_collective(n)]
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Answer:
    """What one unit said of one task in one return.

    ``values`` holds, by column key (see :mod:`schema`), every column the ledger keeps:
    the unit's answers (status, progress, …) and read-only columns as the form showed them.
    """

    task_id: str
    role: str
    values: dict
    rownum: int = 0

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def status(self) -> str:
        return self["status"]

    @property
    def progress(self) -> str:
        return self["progress"]
