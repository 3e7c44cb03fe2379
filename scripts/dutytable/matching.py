"""Re-importing the table mid-year: each task keeps its task ID, so that no answer moves to another task.

The ledger, the 指标 sheet and the forms' hidden 表单信息 know a task by its ID, and the import
numbers tasks by their place (T0102: category 1, item 2). :func:`reconcile` matches the new
table's tasks to the old master's by their category and text — the same text first, then the
most similar — with the place only as a tie-breaker, never alone. A matched task keeps its old
ID; a new task gets an ID that neither the old master, its removed tasks nor the ledger ever
used; both are recorded in the master's :data:`HISTORY_SHEET`: a removed task's ID is never
reused and the months it was answered in can still name it, and the months before a task was
added leave it out.

:func:`find_task` reads a returned form's row by the text it shows when its ID says otherwise:
a form issued before a re-import may carry IDs the master now gives to other tasks.

:func:`of_period` is the table as a past month's returns had it, for that month's 汇总 and 附件.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field

from .model import Task, TaskChange
from .schema import H_ID
from .vocab import REMOVED, ROLE_LEAD, nfkc

HISTORY_SHEET = "任务变更记录"  # the master's record of the tasks re-imports added and removed
H_CHANGE, H_PERIOD = "变更", "期次"  # its own columns, after the table's
SIMILAR = 0.6  # the least text similarity (difflib ratio) for a reworded task to count as the same task
SAME_CATEGORY = 0.05  # what the same category adds to a candidate's score
SAME_PLACE = 0.01  # what the same place in its category (序号 and order) adds: a hint between equals only
SHOWN = 30  # characters of a text shown in --check before …
LISTED = 8  # lines of each kind --check lists before 等 N 项


def _text(task) -> str:
    return nfkc(f"{task.item}\n{task.target}").replace(" ", "").replace("\u3000", "")


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _places(tasks) -> dict:
    """id(task) -> (category, its place among its category's tasks)."""
    counts, places = {}, {}
    for t in tasks:
        counts[t.category] = counts.get(t.category, 0) + 1
        places[id(t)] = (t.category, counts[t.category])
    return places


def match_tasks(old: list, new: list, similar: bool = True) -> dict:
    """{index in ``new``: the task of ``old`` it continues}; ``similar`` False: the same text only.

    Passes, each over what the earlier left: the same category and text; the same text in another
    category (a category renamed or a task moved); the same category and the same 工作内容 or the same
    工作目标; then the most similar text (at least :data:`SIMILAR`), the same category and the same
    place breaking near ties.
    """
    left = list(old)
    result = {}

    def exact(key):
        by_key = {}
        for t in left:
            by_key.setdefault(key(t), t)
        for i, t in enumerate(new):
            if i not in result and key(t) in by_key and by_key[key(t)] in left:
                result[i] = by_key.pop(key(t))
                left.remove(result[i])

    exact(lambda t: (t.category, _text(t)))
    exact(_text)
    exact(lambda t: (t.category, "item", nfkc(t.item)))
    exact(lambda t: (t.category, "target", nfkc(t.target)))
    if not similar:
        return result
    places = _places(old) | _places(new)
    scored = []
    for i, t in enumerate(new):
        if i in result:
            continue
        for o in left:
            ratio = similarity(_text(o), _text(t))
            if ratio >= SIMILAR:
                bonus = SAME_CATEGORY * (o.category == t.category) + SAME_PLACE * (places[id(o)] == places[id(t)])
                scored.append((ratio + bonus, i, o))
    taken = set()
    for _, i, o in sorted(scored, key=lambda s: -s[0]):
        if i not in result and id(o) not in taken:
            result[i] = o
            taken.add(id(o))
    return result


def task_id_for(seq, index):
    """T0103: category 1, third sub-item. A letter first, so no spreadsheet makes it a number or date."""
    return f"T{seq:02d}{index:02d}"


def free_id(used: set, seq: int) -> str:
    """The first T{seq}{n} not in ``used``: a new task's ID."""
    seq = seq or 99
    n = 1
    while task_id_for(seq, n) in used:
        n += 1
    return task_id_for(seq, n)


@dataclass
class Changes:
    """What a re-import changes, task by task; the new tasks carry the IDs they will have."""

    unchanged: list = field(default_factory=list)  # (old, new) of the same text
    renamed: list = field(default_factory=list)  # (old, new) whose 工作内容 or 工作目标 changed
    added: list = field(default_factory=list)  # new tasks, with their new IDs
    removed: list = field(default_factory=list)  # old tasks the new table lacks
    revived: set = field(default_factory=set)  # IDs of added tasks that an earlier re-import removed
    other: bool = False  # no task in common: another table (a new year's, a new office's), not a revision
    answered: bool = False  # the ledger has answers: earlier months to keep

    def lines(self) -> list[str]:
        """What ``import_table.py --check`` prints of it: counts, then each kind, a few lines each."""
        if self.other:  # nothing to say of a table that replaces one never used
            return (
                [
                    "与现有主表对照：没有相同的任务，是另一份表，任务按新表的先后编号；台账中已有报送的原任务，"
                    "编号不再使用，以前各月的汇总仍写原来的任务。"
                ]
                if self.answered
                else []
            )
        lines = [
            f"与现有主表对照：新增 {len(self.added)} 项，删除 {len(self.removed)} 项，"
            f"改写 {len(self.renamed)} 项，未变 {len(self.unchanged)} 项（原有任务保留原任务编号，"
            "已报送的内容仍对应原任务）。"
        ]
        lines += _listed(
            "新增",
            [
                f"{t.task_id} {t.category}：{t.item}"
                + ("（恢复已删除的任务，沿用原编号）" if t.task_id in self.revived else "")
                for t in self.added
            ],
        )
        lines += _listed(
            "删除", [f"{t.task_id} {t.category}：{t.item}（各月已报送的内容保留在台账中）" for t in self.removed]
        )
        lines += _listed("改写", [_renamed(o, n) for o, n in self.renamed])
        moved = {}
        for o, n in self.unchanged + self.renamed:
            if o.category != n.category:
                moved.setdefault((o.category, n.category), 0)
                moved[(o.category, n.category)] += 1
        lines += [f"类别改名：“{a}” → “{b}”（{count} 项）" for (a, b), count in moved.items()]
        return lines


def _listed(kind, texts):
    shown = [f"{kind}：{t}" for t in texts[:LISTED]]
    if len(texts) > LISTED:
        shown.append(f"{kind}：……等 {len(texts)} 项")
    return shown


def _clip(text, start):
    """``text`` from ``start``, at most :data:`SHOWN` characters, … where cut."""
    shown = text[start : start + SHOWN]
    return ("…" if start else "") + shown + ("…" if start + SHOWN < len(text) else "")


def _renamed(old, new) -> str:
    if old.item != new.item:
        return f"{new.task_id} “{old.item}” → “{new.item}”"
    same = next(
        (i for i, (a, b) in enumerate(zip(old.target, new.target)) if a != b), min(len(old.target), len(new.target))
    )
    start = max(0, same - SHOWN // 3)  # the words changed, with a few before them
    return f"{new.task_id} {new.item}的工作目标“{_clip(old.target, start)}” → “{_clip(new.target, start)}”"


def reconcile(old_table, new_table, period, ledger_ids=frozenset()) -> Changes:
    """Give ``new_table``'s tasks their IDs from ``old_table`` (in place) and record what changed.

    Args:
        old_table: the master being replaced (with its own ``history``).
        new_table: the table just read; its tasks are numbered by place.
        period: the period the import is made in.
        ledger_ids: every task ID the ledger has answers for: never given to a new task.

    Returns:
        The :class:`Changes`; ``new_table.history`` is the old master's and these tasks added and removed.
    """
    matched = match_tasks(old_table.tasks, new_table.tasks)
    unmatched = [i for i in range(len(new_table.tasks)) if i not in matched]
    back = match_tasks(old_table.retired, [new_table.tasks[i] for i in unmatched], similar=False)  # put back
    revived = {unmatched[j]: old for j, old in back.items()}
    changes = Changes(other=not matched and not revived, answered=bool(ledger_ids))

    # Another table altogether (a new office's, replacing the shipped one) leaves nothing of the old behind,
    # unless the ledger has answers: then its months keep their tasks, as after any re-import.
    keep_old = not changes.other or bool(ledger_ids)
    used = set(ledger_ids)
    if keep_old:
        used |= {t.task_id for t in old_table.tasks} | {c.task.task_id for c in old_table.history}
    tasks = []
    for i, task in enumerate(new_table.tasks):
        old = matched.get(i)
        if old is None:
            if i in revived:
                task_id = revived[i].task_id
            else:  # its place's ID where no task has had it, else the first free one of its category
                task_id = task.task_id if task.task_id not in used else free_id(used, task.seq)
            task = dataclasses.replace(task, task_id=task_id)
            used.add(task.task_id)
            changes.added.append(task)
        else:
            task = dataclasses.replace(task, task_id=old.task_id, closed=old.closed)  # 办结 goes with the ID
            same = (old.item, old.target) == (task.item, task.target)
            (changes.unchanged if same else changes.renamed).append((old, task))
        tasks.append(task)
    changes.revived = {o.task_id for o in revived.values()}
    kept = {o.task_id for o in matched.values()}
    changes.removed = [t for t in old_table.tasks if t.task_id not in kept]
    new_table.tasks = tasks
    if keep_old:
        new_table.history = list(old_table.history)
        new_table.history += [TaskChange(TaskChange.ADDED, str(period), t) for t in changes.added]
        new_table.history += [TaskChange(TaskChange.REMOVED, str(period), t) for t in changes.removed]
    return changes


def renumbered(indicator_id: str, moved: dict) -> str:
    """An extracted indicator's ID (T0102-1) after its task's ID changed (``moved``: old -> new task ID)."""
    task_id, dash, n = indicator_id.partition("-")
    return f"{moved[task_id]}{dash}{n}" if dash and task_id in moved else indicator_id


def find_task(item: str, target: str, candidates: list):
    """The one of ``candidates`` (objects with ``task_id``, ``item`` and ``target``) a form row showing ``item``
    and ``target`` is about: the same text, else the most similar (at least :data:`SIMILAR`); None if none is."""
    shown = nfkc(f"{item}\n{target}").replace(" ", "").replace("\u3000", "")
    best, score = None, SIMILAR
    for c in candidates:
        ratio = similarity(shown, _text(c))
        if ratio == 1.0:
            return c
        if ratio >= score:
            best, score = c, ratio
    return best


def of_period(table, period, latest: dict, departments):
    """The table as ``period``'s forms had it, for its 汇总 and 附件 (``latest``: recipient -> ledger.LatestReturn,
    the returns that count in it).

    A task a re-import added after the period was not on its forms; one added in the period, that none of
    the returns lists while units that owe it did report, was not either: both are left out, and so is a
    unit that owed only such tasks (a task of the first import is never left out: a return without its row
    is 待补正). A task a re-import removed after the period, or one the returns answered that the table no
    longer has, is listed at the end under the category :data:`vocab.REMOVED`, as the master's record
    names it; without that record, by its task ID, its leads those that answered for it as 牵头.
    """
    p = str(period)
    answered = {task_id for lr in latest.values() for task_id in lr.answers}
    added = {c.task.task_id: c.period for c in table.history if c.kind == TaskChange.ADDED}
    owed = {}
    if any(added.get(t.task_id) == p for t in table.tasks if t.task_id not in answered):
        for r in table.recipients(departments):
            for task_id in r.task_ids:
                owed.setdefault(task_id, set()).add(r.name)

    def listed(task):
        since = added.get(task.task_id, "")
        if task.task_id in answered or not since or since < p:
            return True
        return since == p and not owed.get(task.task_id, set()) & set(latest)

    tasks = [t for t in table.tasks if listed(t)]
    known = {t.task_id for t in table.tasks}
    gone = {t.task_id: t for t in table.retired}
    removed_in = {c.task.task_id: c.period for c in table.history if c.kind == TaskChange.REMOVED}
    shown = {i for i, t in gone.items() if removed_in[i] > p and listed(t)} | (answered - known)
    removed = []
    for task_id in sorted(shown):
        task = gone.get(task_id)
        if task is None:
            leads = tuple(
                name for name, lr in latest.items() if task_id in lr.answers and lr.answers[task_id].role == ROLE_LEAD
            )
            task = Task(task_id, 0, REMOVED, f"{H_ID}{task_id}", "", leads=leads, leads_text="、".join(leads))
        removed.append(dataclasses.replace(task, category=REMOVED))
    if len(tasks) == len(table.tasks) and not removed:
        return table
    kept = {t.task_id for t in tasks}
    return dataclasses.replace(
        table, tasks=tasks + removed, indicators=[i for i in table.indicators if i.task_id in kept]
    )
