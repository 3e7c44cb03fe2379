"""The exception tree: one base error, each class a kind of failure with its exit code.

Every message is one line of Chinese for the clerk: it names the file, sheet, row or
cell and says how to fix it. The command-line layer prints ``str(error)`` and exits
with ``error.exit_code``; the traceback is shown only with ``-v``.
"""


class DutyTableError(Exception):
    """Base of every error this tool reports to a clerk."""

    exit_code = 1

    def __init__(self, message, problems=None):
        super().__init__(message)
        #: Further one-line messages when one error stands for several findings.
        self.problems = list(problems or [])

    def lines(self):
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
