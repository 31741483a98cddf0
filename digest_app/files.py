"""Writing files safely: a temporary name beside the target, renamed at the end.

    >>> write_atomically(Path("~/xiaomi-week.pdf").expanduser(), pdf_bytes)
    >>> write_atomically(cache / image_id, data, error=LibraryError)

Every file Digest writes goes through here: exports, OPML, the topic profile,
cached images. The target appears complete or not at all: a failure (a folder
that does not exist or cannot be written, a full disk, a file-size limit)
removes the temporary file and raises *error* (default
:class:`~digest_app.errors.ExportError`) naming the file and the reason. An
existing file of that name is replaced only at the very end, so it survives a
failed write intact.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from digest_app.errors import DigestError, ExportError

#: Mode of a new file: readable by its owner only, whatever the umask. A digest or a
#: list of sources shows what someone reads; on a shared machine that is nobody else's business.
#: (Replacing an existing file keeps that file's mode: the user chose it.)
NEW_FILE_MODE = 0o600


def write_atomically(
    path: str | os.PathLike[str], data: bytes | str, *, error: type[DigestError] = ExportError
) -> Path:
    """Write *data* (text is UTF-8) to *path* in one step. Returns the absolute path."""
    target = Path(path).expanduser().absolute()
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent
    if target.is_dir():
        raise error(f"{target}: is a folder; give a file name")
    if not folder.is_dir():
        raise error(f"{target}: the folder {folder} does not exist")
    temporary = folder / f".{target.name}.{secrets.token_hex(4)}.part"
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
    except OSError as exc:
        raise error(f"{target}: cannot write in {folder} ({_reason(exc)})") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise error(f"{target}: cannot write ({_reason(exc)}); nothing was saved") from exc
        raise
    return target


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
