"""The exception tree: one base error, each class a kind of failure with its exit code.

Every message is one line of Chinese for the clerk: it names the file, sheet, row or
cell and says how to fix it. The command-line layer prints ``str(error)`` and exits
with ``error.exit_code``; the traceback is shown only with ``-v``.

The exit codes, here only (README.md's 出错时 says them to the clerk):

====  =========================================================
0     done (units not reported and files sent back are normal)
1     unexpected failure (a bug): one line, traceback with -v
2     UsageError, ConfigError: bad arguments or config.ini
3     InputError: bad input (the table, a source file, the Word template), a damaged ledger
4     OutputError: an output cannot be written (exists, open in Excel/Word, read-only, disk full)
5     BusyError: another run holds the run lock, or another program holds the ledger
9     NO_PACKAGES: no Python that can run the tool, or it lacks the packages (entry.py, the launchers)
130   interrupted (Ctrl+C)
====  =========================================================
"""

UNEXPECTED = 1
NO_PACKAGES = 9
INTERRUPTED = 130


class DutyTableError(Exception):
    """Base of every error this tool reports to a clerk."""

    exit_code = UNEXPECTED

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        #: Further one-line messages when one error stands for several findings.
        self.problems = list(problems or [])

    def lines(self) -> list[str]:
        """All lines to print: the message, then each problem."""
        return [str(self)] + self.problems


class UsageError(DutyTableError):
    """A command-line argument is wrong (bad period, unknown option)."""

    exit_code = 2


class ConfigError(DutyTableError):
    """config.ini is missing, unreadable or has a bad value."""

    exit_code = 2


class InputError(DutyTableError):
    """An input file's content is wrong: a bad table, a source that is not a table."""

    exit_code = 3


class TableError(InputError):
    """The responsibility table fails validation; ``problems`` lists every row at fault."""


class OutputError(DutyTableError):
    """An output cannot be written: it exists already, or it is locked by another program."""

    exit_code = 4


class BusyError(OutputError):
    """Another run holds the run lock, or another program the ledger (exit code 5): the clerk waits, tries again."""

    exit_code = 5


class DiskFullError(OutputError):
    """The disk is full: writing elsewhere on it (another name) would fail as well."""


def disk_full(what) -> DiskFullError:
    """The one line for a full disk, whether SQLite or a file write met it; ``what`` names the file."""
    return DiskFullError(f"磁盘空间已满，无法写入 {what}，请清理该磁盘（删除不需要的文件、清空回收站）后再运行。")


class LedgerError(InputError):
    """The ledger file is damaged (not SQLite, or corrupt pages): it is named and never overwritten."""

    def __init__(self, message: str, problems: list[str] | None = None, reason: str = "") -> None:
        super().__init__(message, problems)
        self.reason = reason  #: what is wrong with the file, in a few words


class NotAFormError(InputError):
    """A returned workbook has no sheet with the fill-in form's header row."""


class UnsafeFileError(InputError):
    """The file is a zip bomb or carries XML entity declarations; it is not parsed."""


class EncryptedFileError(InputError):
    """The workbook is password-protected against opening."""
