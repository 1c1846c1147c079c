"""Every error a user can cause, in one place; str() of each is one line for the user.

No imports: any module may raise these (the command line catches them without loading
what raised them), and nothing in the core has to import the command line to do so.
The modules that raise them re-export their own (db.StoreError, dates.DateParseError,
sync.importer.ImportRefused, ...), so existing imports keep working.
"""

from __future__ import annotations


class UserError(Exception):
    """Printed as one line on stderr by the command line; exit status 1."""


class StoreError(Exception):
    """A problem with the database file a user can act on (damaged, read-only, newer,
    busy, a full disk)."""


class FieldError(ValueError):
    """Bad input for one field; str() is the message shown at that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class CoachingError(ValueError):
    """A rule of the coaching model was broken (e.g. a call finished twice)."""


class DateParseError(ValueError):
    """The text is not a date we can read; str() is one sentence for the user."""


class ImportRefused(Exception):
    """A bundle or store file that cannot be imported: one line naming the file and the
    field. Nothing was written."""


class ExportRefused(Exception):
    """The export cannot start (e.g. the manager id would not be a folder of the store)."""


class UnsafePath(ValueError):
    """A path built from data would leave its folder (or is not one plain name)."""


class FormErrors(ValueError):
    """Several fields of one form are bad: `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Not saved: see the fields in red")
        self.errors = errors


class TeamDbError(Exception):
    """The team database's driver refused a statement (locked, read-only, full disk, a
    server gone, a trigger): the driver's own error is orig, as on SQLAlchemy's
    DBAPIError. The commands turn it into one line (team.dbapi.database_error)."""

    def __init__(self, orig: Exception) -> None:
        super().__init__(str(orig))
        self.orig = orig


class TeamDbNotCurrent(Exception):
    """The file is not this fieldcoach's team database as it stands (no file, another
    file, an older or newer schema): SQLAlchemy's db.open_team_db must create, migrate or
    refuse it."""
