"""The README's developer recipes, followed word for word in a copy of the tool, do what they say."""

import json
import os
import re
import shutil
import subprocess
import sys

from conftest import ROOT, shipped

# One step of a recipe: insert a line after another, or replace a text, in a file.
STEP = re.compile(
    r"在 `(?P<file>[^`]+)` 中\s*(?:`(?P<anchor>[^`]+)`\s*这一行之后加一行：\s*`(?P<line>[^`]+)`"
    r"|把 `(?P<old>[^`]+)` 改为\s*`(?P<new>[^`]+)`)"
)


def recipe(title: str) -> list:
    """The steps of the README's recipe that starts with ``title``: (file, anchor, line, old, new)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"  - {title}")
    end = text.index("\n  - ", start + 1)
    return [m.groupdict() for m in STEP.finditer(text[start:end])]


def follow(steps: list, tool) -> None:
    """Apply ``steps`` to the copy of the tool at ``tool``, as a developer would by hand; each names its text once."""
    for step in steps:
        path = tool / step["file"]
        text = path.read_text(encoding="utf-8")
        if step["old"] is not None:
            assert text.count(step["old"]) == 1, step
            text = text.replace(step["old"], step["new"])
        else:
            lines = text.split("\n")
            at = [i for i, line in enumerate(lines) if line.strip() == step["anchor"]]
            assert len(at) == 1, step
            indent = re.match(r"\s*", lines[at[0] + 1]).group()  # as the line that follows
            lines.insert(at[0] + 1, indent + step["line"])
            text = "\n".join(lines)
        path.write_text(text, encoding="utf-8")


def checked(tmp_path, title: str, answers: dict) -> tuple[int, dict]:
    """The tool copied to ``tmp_path``, the recipe followed, one return run through it (tests/recipe_checks.py):
    (the recipe's number of steps, what recipe_checks saw)."""
    tool = tmp_path / "tool"
    shutil.copytree(ROOT / "scripts", tool / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shipped(tool, "templates")
    (tool / "tests").mkdir()
    for name in ("conftest.py", "returns.py", "recipe_checks.py"):
        shutil.copy(ROOT / "tests" / name, tool / "tests" / name)
    steps = recipe(title)
    follow(steps, tool)
    env = dict(
        os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=os.pathsep.join([str(tool / "scripts"), str(tool / "tests")])
    )
    result = subprocess.run(
        [sys.executable, str(tool / "tests" / "recipe_checks.py"), json.dumps(answers)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tool,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return len(steps), json.loads(result.stdout)


def test_the_recipe_for_a_form_column_adds_a_second_dropdown_beside_the_status(tmp_path):
    steps, seen = checked(tmp_path, "给填报表加一列", {"status": "进度滞后", "funds": "是", "progress": "本月已推进。"})
    assert steps == 2
    assert seen["headers"] == [
        "任务编号",
        "工作内容",
        "工作目标",
        "职责",
        "完成状态",
        "是否涉及资金",
        "推进情况",
        "存在问题",
        "下步打算",
    ]
    assert seen["dropdowns"] == ['"已完成,正常推进,进度滞后,未启动"', '"是,否"']
    assert seen["verdicts"] == [["待补正", []]]  # its 指标填报 left blank
    assert (seen["summary"]["完成状态"], seen["summary"]["是否涉及资金"]) == (
        "进度滞后（质监分局：进度滞后；药监分局：未报送）",
        "质监分局：是。",
    )
    assert (seen["attachment"]["完成状态"], seen["attachment"]["是否涉及资金"]) == ("进度滞后", "质监分局：是。")


def test_the_recipe_for_a_status_word_adds_it_to_the_dropdown_the_counts_and_the_attachment(tmp_path):
    steps, seen = checked(tmp_path, "给完成状态加一个可选值", {"status": "暂缓实施", "progress": "本月暂缓。"})
    assert steps == 4
    assert seen["dropdowns"] == ['"已完成,正常推进,进度滞后,未启动,暂缓实施"']
    assert seen["verdicts"] == [["待补正", []]]  # its 指标填报 left blank
    assert seen["summary"]["完成状态"] == "暂缓实施（质监分局：暂缓实施；药监分局：未报送）"
    # 未明确牵头单位: T0401 and T0403, led by 区有关部门 alone (no group expands it), in another category
    assert seen["stats"] == [
        ["类别", "已完成", "正常推进", "进度滞后", "未启动", "暂缓实施", "未明确牵头单位", "未报送", "合计"],
        ["提高质量水平", 0, 0, 0, 0, 1, 0, 3, 4],
    ]
    assert seen["attachment"]["完成状态"] == "暂缓实施"
