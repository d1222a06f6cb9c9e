"""Errors people can act on.

Every error the core raises on bad input is a ``PatrolError`` (a ``ValueError``). Its text names
the file, the rows and the field, says what was expected and how to fix it. Input files are
checked whole: every problem is collected as a ``Problem`` and raised once, so the user fixes the
file in one pass. The dashboard catches only these types and shows their text (in Vietnamese
where a ``message_vi`` is given).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AccessDeniedError",
    "AreaError",
    "AuthError",
    "CRSError",
    "ConflictError",
    "InfeasiblePlanError",
    "InputFileError",
    "PatrolError",
    "PlanFileError",
    "Problem",
    "ProblemFormatError",
    "ReviewError",
    "RosterError",
    "SettingsError",
]


class PatrolError(ValueError):
    """Base of every error the core raises on bad input or settings."""

    message_vi: str | None = None


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the 1-based row as a spreadsheet shows it (the header is row 1), ``None`` for a
    problem of the whole file. ``message`` says what is wrong and how to fix it, in English;
    ``message_vi`` says the same in Vietnamese.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    message_vi: str

    def describe(self) -> str:
        """Return the problem as one line: ``file, row 5, column 'lat': message``."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{', '.join(where)}{shown}: {self.message}"


class InputFileError(PatrolError):
    """An input file (OSM extract, survey, incidents, roster, plan) cannot be used as it is.

    Carries every ``Problem`` found in the file; nothing of it was stored.
    """

    def __init__(self, file: str, problems: Sequence[Problem] | str, *, message_vi: str = ""):
        if isinstance(problems, str):
            problems = [Problem(file, None, None, None, problems, message_vi or problems)]
        self.file = file
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{file}: {count} problem{'s' if count != 1 else ''}; nothing was loaded"
        lines = [head, *(f"  - {p.describe()}" for p in self.problems[:50])]
        if count > 50:
            lines.append(f"  ... and {count - 50} more")
        self.message_vi = f"{file}: {count} lỗi; chưa nạp dữ liệu nào. " + "; ".join(
            p.message_vi for p in self.problems[:5]
        )
        super().__init__("\n".join(lines))


class AreaError(PatrolError):
    """An area cannot be used: no streets for the travel mode, nothing left after cleaning."""


class CRSError(PatrolError):
    """Geometry is in the wrong coordinate reference system for the operation."""


class SettingsError(PatrolError):
    """A setting is out of its allowed range or names something unknown."""


class ProblemFormatError(PatrolError):
    """A ``patrol-problem/1`` document is malformed: names the field and what it must be."""


class PlanFileError(PatrolError):
    """A ``patrol-plan/1`` document is malformed or does not match its area."""


class InfeasiblePlanError(PatrolError):
    """A shift cannot be planned at all (for example no team can reach its depot in time)."""


class AccessDeniedError(PatrolError):
    """The user's role does not allow the action or the record."""


class AuthError(PatrolError):
    """A login or session is refused: wrong credentials, locked or disabled account, expired."""

    def __init__(self, message: str, *, message_vi: str = "", reason: str = "denied"):
        self.message_vi = message_vi or message
        self.reason = reason
        super().__init__(message)


class ConflictError(PatrolError):
    """A record changed since it was read (another user saved first); reload and redo."""


class ReviewError(PatrolError):
    """A monthly review cannot be made: a month in the future, a malformed month, no columns."""

    def __init__(self, message: str, *, message_vi: str | None = None):
        self.message_vi = message_vi
        super().__init__(message)


class RosterError(PatrolError):
    """The people on duty cannot make the joint teams asked for (too few police or military)."""

    def __init__(self, message: str, *, message_vi: str | None = None):
        self.message_vi = message_vi
        super().__init__(message)
