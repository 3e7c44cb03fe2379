"""The year's identity: the year and the work's name read from an imported table's title, kept in config.ini.

Every title the tool prints is built from config.ini's [report] year and subject
("2024年XX区优化营商环境重点工作目标任务推进情况汇总表", "2024年1月…推进情况填报表") and signed by
its office. A new table brings its own: :func:`read_identity` reads the year and the subject from
the title above the table (or the file name), :func:`identity_lines` says on screen what was read,
and :func:`write_identity` puts it into config.ini when the table is imported. What cannot be read
is left blank, never the previous table's, and the steps that write paper stop until it is filled in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import files
from .config import IDENTITY_HINTS, MAX_NAME_PART, write_values
from .files import UNSAFE_IN_NAME
from .schema import H_TARGET
from .vocab import CN_DIGITS

FROM_TITLE, FROM_FILE_NAME = "标题", "文件名"
_YEAR = re.compile(r"[（(]?((?:19|20)\d{2})\s*年度?[）)]?")
_CN_YEAR = re.compile(rf"[{''.join(c for c in CN_DIGITS if c != '两')}]{{4}}(?=\s*年)")  # 二〇二四年
_WRAPPED = re.compile(r"《([^《》]+)》")
_NOTICE = re.compile(r"^关于(?:印发|下达|分解|做好)?|的通知$")
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[：:、.．\-_—]*")
_COPY = re.compile(r"(?:\s*[（(]\d+[）)]|\s*-?\s*副本|_\d+)+$")
# What closes a title and is no part of the work's name, tried again and again from the end.
_TABLE_TAILS = (
    "责任分解表",
    "任务分解表",
    "责任分工表",
    "分解表",
    "责任清单",
    "任务清单",
    "工作清单",
    "清单",
    "实施方案",
    "工作方案",
    "方案",
    "责任分工",
    "任务分工",
    "任务分解",
    "分解",
    "一览表",
    "台账",
    "表",
)
_TASK_TAILS = ("目标任务", "主要任务", "具体任务", "任务", H_TARGET, "目标", "工作要点", "要点", "事项")
WORK = "工作"  # the name ends so: 2024年XX区优化营商环境工作目标任务推进情况汇总表


@dataclass(frozen=True)
class Identity:
    """What a table's title or file name says of its year and work; None/"" where it says nothing."""

    year: int | None = None
    year_from: str = ""  # FROM_TITLE or FROM_FILE_NAME
    subject: str = ""
    subject_from: str = ""


def parse_title(text: str) -> tuple[int | None, str]:
    """(year, subject) a title names; None and "" for what it does not.

    "2024年XX区优化营商环境重点任务责任分解表" → (2024, "XX区优化营商环境重点工作");
    "关于印发《2023年全市民生实事项目责任分解表》的通知" → (2023, "全市民生实事项目工作");
    "XX县2025年政府工作报告重点工作任务分解" → (2025, "XX县政府工作报告重点工作");
    "2010年区质量振兴工作目标任务责任分解表" → (2010, "区质量振兴工作").
    The name is the title without its year, the table words (责任分解表, 清单, 方案 …) and the task words
    (目标任务, 任务, 要点 …), ending in 工作, so every title the tool composes reads as a sentence.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").replace("\u3000", ""))
    wrapped = _WRAPPED.search(text)
    if wrapped:
        text = wrapped.group(1)
    text = _NOTICE.sub("", _ATTACHMENT.sub("", text))
    text = _CN_YEAR.sub(lambda m: "".join(str(CN_DIGITS[c]) for c in m.group()), text)
    found = _YEAR.search(text)
    year = int(found.group(1)) if found else None
    if found:
        text = text[: found.start()] + text[found.end() :]
    subject = _strip_tails(text.strip("：:，,。；;、-—_ "))
    if subject and not subject.endswith(WORK):
        subject += WORK
    if len(subject) < len(WORK) + 2 or len(subject) > MAX_NAME_PART or UNSAFE_IN_NAME.search(subject):
        subject = ""
    return year, subject


def _strip_tails(text: str) -> str:
    for tails in (_TABLE_TAILS, _TASK_TAILS):
        cut = True
        while cut:
            cut = next((t for t in tails if text.endswith(t)), None)
            if cut:
                text = text[: -len(cut)]
    return text


def read_identity(title: str, file_name: str) -> Identity:
    """The year and subject of the title; what the title lacks, from the file name (its stem)."""
    year, subject = parse_title(title)
    stem = _COPY.sub("", Path(file_name).stem)
    file_year, file_subject = parse_title(stem)
    return Identity(
        year or file_year,
        FROM_TITLE if year else FROM_FILE_NAME if file_year else "",
        subject or file_subject,
        FROM_TITLE if subject else FROM_FILE_NAME if file_subject else "",
    )


def planned_values(found: Identity, config) -> dict:
    """config.ini [report] year, subject and office after the import: what was read, else blank.

    The office stays only when the work's name is the one config.ini has (the same work, another year).
    """
    keep_office = bool(found.subject) and found.subject == config.subject
    return {"year": str(found.year or ""), "subject": found.subject, "office": config.office if keep_office else ""}


CHECKED, WRITTEN, UNCHANGED = "checked", "written", "unchanged"  # config.ini: to be written, written, as it was
_WHERE = {CHECKED: "导入时将写入 config.ini", WRITTEN: "已写入 config.ini", UNCHANGED: "与 config.ini 中的相同"}


def identity_lines(found: Identity, config, state: str) -> list[str]:
    """What the import says of the year, the work's name and the office; ``state``: CHECKED, WRITTEN, UNCHANGED.

    ``config`` is config.ini as it was before the import.
    """
    values = planned_values(found, config)
    where = _WHERE[state]
    fill = "请在 config.ini 的 [report] 中填写 "
    lines = [
        f"年度：{found.year}（读自{found.year_from}），{where}。"
        if found.year
        else f"年度：未能从标题或文件名读出，{fill}{IDENTITY_HINTS['year']}。"
    ]
    if found.subject:
        lines.append(
            f"工作名称：{found.subject}（读自{found.subject_from}），{where}；"
            f"汇总表的标题将是“{found.year or '____'}年{found.subject}目标任务推进情况汇总表”。"
        )
    else:
        lines.append(f"工作名称：未能从标题或文件名读出，{fill}{IDENTITY_HINTS['subject']}。")
    if values["office"]:
        lines.append(f"发文单位：{values['office']}（工作名称未变，沿用 config.ini 中的）。")
    elif config.office:
        lines.append(
            f"发文单位：原来的“{config.office}”属于原来的工作，{'已' if state == WRITTEN else '导入时将'}"
            f"从 config.ini 中清空，{fill}{IDENTITY_HINTS['office']}。"
        )
    else:
        lines.append(f"发文单位：未填写，{fill}{IDENTITY_HINTS['office']}。")
    return lines


def write_identity(found: Identity, config) -> Path | None:
    """Write the year, subject and office of :func:`planned_values` into config.ini, a copy of it kept first.

    Returns:
        The backup copy, or None when config.ini already says the same (then it is not touched).
    """
    values = planned_values(found, config)
    now = {"year": str(config.year or ""), "subject": config.subject, "office": config.office}
    if values == now:
        return None
    backup = files.backup(config.path, move=False)
    write_values(config.path, "report", values)
    return backup
