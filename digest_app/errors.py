"""Every error Digest raises on purpose, as a named exception with a readable message.

The CLI prints ``str(error)`` as one line and exits 1; the GUI shows it in a
status line or dialog. So messages name the input and say what is wrong, and
never carry a traceback or SQL.

    DigestError
    ├── LibraryError
    │   ├── LibraryTooNewError
    │   ├── LibraryLockedError
    │   └── MigrationError
    ├── NotFoundError
    ├── InputError
    │   ├── UnsupportedFormatError
    │   └── ParseError
    ├── QueryError
    ├── FetchError            (collection layer: HTTP and network)
    └── ExportError
"""

from __future__ import annotations


class DigestError(Exception):
    """Base of all errors Digest reports to the user."""


class LibraryError(DigestError):
    """The library file cannot be opened, read or written."""


class LibraryTooNewError(LibraryError):
    """The library was written by a newer Digest; we refuse to touch it."""


class LibraryLockedError(LibraryError):
    """Another process held the library for longer than we are willing to wait."""


class MigrationError(LibraryError):
    """Upgrading the library's schema failed; the original file is untouched."""


class NotFoundError(DigestError):
    """An article, source, tag, saved search or digest ID that does not exist."""


class InputError(DigestError):
    """A file, folder or value given by the user cannot be used."""


class UnsupportedFormatError(InputError):
    """A file whose format Digest does not read."""


class ParseError(InputError):
    """A file or document in a known format that is too broken to read."""


class QueryError(DigestError):
    """A search query that cannot be understood even on a best-effort basis."""


class FetchError(DigestError):
    """A network fetch failed (timeout, refused, bad status, too large ...)."""


class ExportError(DigestError):
    """Writing an export file failed; no partial file is left behind."""
