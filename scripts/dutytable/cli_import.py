"""The import command: what ``import_table.py`` checks, asks, says and writes.

:class:`ImportTable` reads the received table (:func:`narrative.read_source`), matches its tasks to the
master table it replaces (:func:`matching.reconcile`), prints what ``--check`` and ``--ask`` show, and
writes the new master table (the old one backed up, the clerk's 指标 rows carried over) and the year's
identity into config.ini.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from . import files, identity, indicators, pipeline
from .cli import Command, echo, usage_error
from .errors import InputError, OutputError, TableError, UsageError
from .ledger import Ledger
from .master import SET_ASIDE_SHEET, load_table, write_table
from .matching import reconcile
from .narrative import read_source
from .workbooks import open_workbook


def describe_units(table, departments) -> str:
    """One line naming every unit of the table once, collectives marked, so a wrong name shows at once."""
    names = []
    for task in table.tasks:
        for name in task.leads + task.partners:
            if name not in names:
                names.append(name)
    shown = []
    for name in names:
        if name in departments.groups:
            shown.append(f"“{name}”（集体，展开为 {len(departments.groups[name])} 个单位）")
        elif departments.is_unexpanded_collective(name):
            shown.append(f"“{name}”（集体，不发填报表）")
        else:
            shown.append(f"“{name}”")
    return f"表中的单位（{len(names)} 个）：{''.join(shown)}。"


def describe_joins(imported) -> list[str]:
    """One line per unit name read whole from two lines of a cell, for the clerk to check."""
    return [f"合并换行：{first} + {second} → {unit}（第{row}行）" for row, first, second, unit in imported.joins]


def describe_import(imported, departments) -> list[str]:
    """What ``import_table.py --check`` prints: columns, categories, tasks, units, extra columns."""
    table = imported.table
    lines = [
        f"检查 {imported.where}（只检查，没有写入任何文件）：",
        "各列：" + "；".join(f"{header} → {meaning}" for header, meaning in imported.columns) + "。",
    ]
    if imported.first_listed_lead:
        lines.append("牵头单位：取责任单位中列第一位的单位。")
    lines.append(f"类别（{len(table.categories)} 个）：" + "；".join(table.categories) + "。")
    lines.append(f"工作内容（{len(table.tasks)} 项）：")
    for t in table.tasks:
        line = f"  {t.task_id}{'★' if t.key else ''} {t.item}：牵头 {'、'.join(t.leads)}"
        if t.partners:
            line += f"；配合 {'、'.join(t.partners)}"
        lines.append(line + "".join(f"；{h} {v}" for h, v in t.extras if v))
    lines += describe_joins(imported) + imported.notes
    lines.append(describe_units(table, departments))
    lines.append("其他列：" + ("、".join(table.extra_columns) if table.extra_columns else "无") + "。")
    return lines + indicators.needs_confirming(table)


class ImportTable(Command):
    prog = "import_table.py"
    description = (
        "把收到的目标任务责任分解表（Word 附件 .docx/.doc/.wps、Word 导出的文本 .txt，\n"
        "或 Excel .xlsx/.xls）导入为主表（config.ini 中 [paths] table 指定的文件）。\n"
        "表头按含义识别（见 README.md“表头的写法”），不认识的列原样保留。"
    )
    ask = staticmethod(input)  # the question of --ask; tests pass their own answer

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="SOURCE", nargs="?", help="收到的责任分解表文件")
        parser.add_argument("--output", metavar="PATH", help="写到哪里（默认：config.ini 中的主表路径）")
        parser.add_argument("--force", action="store_true", help="主表已存在时替换它（旧文件先备份）")
        parser.add_argument(
            "--check", action="store_true", help="只显示将导入的内容（各列、类别、任务、单位），不写入任何文件"
        )
        parser.add_argument(
            "--ask",
            action="store_true",
            help="先显示将导入的内容，再问是否导入，回答“是”才导入（替换主表，旧文件先备份）；"
            "双击“导入责任分解表”时就是这样",
        )
        parser.add_argument("--table", metavar="N", type=_positive, default=0, help="文件中有几个表格时，导入第 N 个")

    def run(self, args, config, period, today):
        source = args.source or (self._ask_source() if args.ask else None)
        if not source:
            if args.ask:
                raise UsageError(
                    "没有收到要导入的文件：请把收到的责任分解表文件（如 .docx、.xlsx）"
                    "用鼠标拖到“导入责任分解表”图标上再松开，或拖进窗口后按回车。"
                )
            raise usage_error(self.prog, "缺少参数 SOURCE")
        options = dataclasses.replace(config.import_options, table_number=args.table)
        imported = read_source(source, config.departments, options)
        found = identity.read_identity(imported.table.title, Path(source).name)
        target = Path(args.output) if args.output else config.table
        if target.exists() and not (args.force or args.check or args.ask):
            raise OutputError(
                f"{target} 已存在，为免覆盖未写入：如要用 {Path(source).name} 替换它，请加 --force（旧文件会先备份）。"
            )
        changes, old_sheets = _reconcile(imported.table, target, config, period)
        if args.check or args.ask:
            for line in (
                describe_import(imported, config.departments)
                + (changes.lines() if changes else [])
                + identity.identity_lines(found, config, identity.CHECKED)
            ):
                echo(line)
            pipeline.report_collectives(imported.table, config.departments, echo)
            if args.check or not self._confirmed(target):
                return 0
        self._write(imported, target, config, found, changes, old_sheets)
        return 0

    def _ask_source(self) -> str:
        """The file dragged into the window (the console types its path, quoted when it has spaces)."""
        try:
            answer = self.ask("请把收到的责任分解表文件拖进本窗口（或输入文件的位置），再按回车：")
        except EOFError:
            return ""
        return answer.strip().strip("\"'").strip()

    def _confirmed(self, target) -> bool:
        """Ask whether to import; only 是 or y (any case) says yes, Enter alone or a closed input says no."""
        replaces = f"替换现有的主表 {target}（旧文件先备份）" if target.exists() else f"写入主表 {target}"
        try:
            answer = self.ask(f"是否导入？导入将{replaces}。输入“是”或 y 后按回车导入，直接按回车不导入：")
        except EOFError:
            answer = ""
        if answer.strip().lower() in ("是", "y", "yes"):
            return True
        echo("没有导入，主表未改动。")
        return False

    def _write(self, imported, target, config, found, changes, old_sheets):
        """Write the master table (the old one, whose sheets ``old_sheets`` holds, backed up first), say what it
        holds, and the year's identity."""
        table = imported.table
        set_aside = []
        if target.exists():
            set_aside = _keep_clerk_indicators(table, old_sheets, target, config)
            echo(f"原主表已备份为 {files.backup(target).name}。")
        write_table(table, target, set_aside)
        _say_imported(imported, target, config, set_aside, changes)
        if target.resolve() == config.table.resolve():  # the configured master: its year's identity goes along
            _write_identity(found, config)
        pipeline.report_collectives(table, config.departments, echo)


def _say_imported(imported, target, config, set_aside, changes) -> None:
    """What an import wrote: tasks, units (and the lines joined into one), kept columns, readings to confirm,
    indicators set aside, task changes."""
    table = imported.table
    recipients = table.recipients(config.departments)
    echo(
        f"已导入 {len(table.tasks)} 项工作内容（{len(table.categories)} 个类别），"
        f"共 {len(recipients)} 个填报单位，写入 {target}。"
    )
    for line in describe_joins(imported) + imported.notes:
        echo(line)
    echo(describe_units(table, config.departments))
    if table.extra_columns:
        echo(f"保留了表格中的其他列：{'、'.join(table.extra_columns)}。")
    for line in indicators.needs_confirming(table):
        echo(line)
    if set_aside:
        named = "、".join(i.indicator_id or i.name for i, _ in set_aside[:5]) + ("等" if len(set_aside) > 5 else "")
        echo(
            f"原主表“指标”工作表中有 {len(set_aside)} 项指标的任务或填报单位在新表中已不存在：{named}，"
            f"已移到新主表的“{SET_ASIDE_SHEET}”工作表，请核对后把需要的指标重新填入“指标”工作表。"
        )
    if changes and (changes.added or changes.removed or changes.renamed):
        for line in changes.lines():
            echo(line)


def _write_identity(found, config) -> None:
    """Put the new table's year, subject and office into config.ini (a copy kept first) and say so."""
    backup = identity.write_identity(found, config)
    if backup:
        echo(f"config.ini 已备份为 {backup.name}。")
    for line in identity.identity_lines(found, config, identity.WRITTEN if backup else identity.UNCHANGED):
        echo(line)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"参数错误：--table 后面要写表格的序号（1、2、3……），“{text}”无效。")
    return int(text)


def _reconcile(table, existing: Path, config, period):
    """The new table's tasks given the IDs of the master it replaces (:func:`matching.reconcile`), and the sheets of
    that master, read once; (None, []) without one.

    Raises:
        TableError: the master being replaced cannot be read, so its tasks cannot be matched.
    """
    if not existing.exists():
        return None, []
    try:
        _, sheets = open_workbook(existing, label=f"责任分解表 {existing.name}")
        old = load_table(existing, config.departments, with_indicators=False, sheets=sheets)  # 指标: carry_over's
    except InputError as exc:
        raise TableError(
            f"原主表 {existing.name} 无法读取，新表的任务无法与它逐项对应（各月已报送的内容靠任务编号"
            "对应原任务）：请先按下面的提示改正原主表；如不需要保留对应关系，把它移到别处后再导入。",
            exc.lines(),
        ) from exc
    ledger_ids = set()
    if config.ledger.exists():
        with Ledger(config.ledger, config.path.parent, read_only=True) as ledger:  # an import never writes it
            ledger_ids = ledger.task_ids()
    changes = reconcile(old, table, period, ledger_ids)
    table.indicators, table.indicator_record = indicators.merge(table, config.departments)
    return changes, sheets


def _keep_clerk_indicators(table, sheets, existing, config) -> list:
    """Carry the 指标 rows of the master table being replaced (its ``sheets``) over to the new one; returns the rows
    set aside."""
    try:
        return indicators.carry_over(table, config.departments, sheets, existing.name)
    except InputError:
        return []  # a 指标 sheet the clerk broke: its indicators cannot be kept, extraction stands
