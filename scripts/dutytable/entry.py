"""The scripts' way in: a Python without the tool's packages gets one line of Chinese, not a traceback.

Every ``scripts/*.py`` calls :func:`run` with the name of its command. Only the standard library is
imported here, so that a Python without openpyxl, python-calamine and the rest (the system's own
Python on a 信创 desktop, or a second Python on Windows) can still say what to install.
"""

import importlib
import sys

from .errors import NO_PACKAGES  # as the double-click launchers say when no Python can run the tool


def missing_packages_line(package: str, python: str) -> str:
    """What a clerk reads when ``python`` lacks ``package``: the command that installs everything."""
    return (
        f"这台电脑上的 Python（{python}）缺少本工具需要的程序包 {package}：请在工具文件夹中运行 "
        f"“{python} -m pip install -r requirements.txt”后再试"
        "（Linux 上请先按 README.md“在新电脑上”一节建立 .venv）。"
    )


def run(command: str, module: str = "cli") -> int:
    """Run the command class ``command`` of the package's ``module`` (:mod:`dutytable.cli` unless named); its exit
    code."""
    try:
        from . import cli

        commands = importlib.import_module(f"{__package__}.{module}")
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] == "dutytable":
            raise
        print(missing_packages_line((exc.name or "").split(".")[0], sys.executable), file=sys.stderr)
        return NO_PACKAGES
    return cli.main(getattr(commands, command)())
