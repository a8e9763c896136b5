"""Errors qcity reports to users: ValueError subclasses that name file:line where there is a file."""

from __future__ import annotations

import os


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


def read_utf8(path: str | os.PathLike, error: type[QcityError], what: str) -> str:
    """The text of a UTF-8 file; an unreadable file or undecodable bytes raise ``error`` naming the file, and the
    line and byte offset of the first bad byte."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise error(f"cannot read {what}: {e.strerror}", str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise error(f"not a UTF-8 text file: byte {e.start} (0x{data[e.start]:02x}) cannot be decoded", str(path),
                    line) from None
