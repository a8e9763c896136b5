"""Errors qcity reports to users: ValueError subclasses that name file:line where there is a file."""

from __future__ import annotations


class QcityError(ValueError):
    """A problem with user input (a file, a name, a value), reported without a traceback by the CLI."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None, column: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        if not self.file:
            return self.message
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class NedError(QcityError):
    """Malformed or inconsistent NED."""


class IniError(QcityError):
    """Malformed ini file, unknown configuration, or bad parameter assignment."""


class ResultFileError(QcityError):
    """Malformed or truncated OMNeT++ result file."""


class HookError(QcityError):
    """A hook name that cannot be resolved to a callable."""
