"""An upload waiting between its check page and "import": kept on the server, out of the web
root, and named by a random token that only the uploader's session knows.

The confirm step trusts nothing the browser sends back but the token: the bytes wait in
``settings.IMPORT_PENDING_DIR`` (``var/imports`` by default, a folder no URL serves, unlike
``MEDIA_ROOT``), the token and the choices made at upload wait in the session, and the file is
parsed and checked again before anything is written. A waiting file is deleted once used, and
stale ones after a day. Each kind of import ("roster", "enterprises", ...) has its own slot in
the session, so checking a region list does not drop a roster waiting in another tab.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.crypto import constant_time_compare

if TYPE_CHECKING:
    from django.http import HttpRequest

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
STALE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Pending:
    """A waiting upload: its bytes, its name, and what was chosen with it."""

    data: bytes
    filename: str
    choices: dict


def _session_key(kind: str) -> str:
    return f"import_pending_{kind}"


def directory() -> Path:
    return Path(settings.IMPORT_PENDING_DIR)


def _path(token: str) -> Path | None:
    """The waiting file of a token; None for anything that is not one of our tokens."""
    if not _TOKEN.match(token or ""):
        return None
    return directory() / f"{token}.upload"


def stash(request: HttpRequest, kind: str, data: bytes, filename: str, **choices: str) -> str:
    """Keep the upload for the confirm step; one waiting upload per kind and session."""
    discard(request, kind)
    remove_stale()
    token = secrets.token_urlsafe(24)  # 32 URL-safe characters
    directory().mkdir(parents=True, exist_ok=True)
    (directory() / f"{token}.upload").write_bytes(data)
    request.session[_session_key(kind)] = {
        "token": token,
        "filename": PurePath(filename).name[:200],
        "choices": choices,
    }
    return token


def take(request: HttpRequest, kind: str, token: str) -> Pending | None:
    """The waiting upload this session's token names, removed from the server; None when the
    token is not this session's, or the file was used or has expired."""
    waiting = request.session.get(_session_key(kind)) or {}
    path = _path(waiting.get("token", ""))
    if path is None or not constant_time_compare(waiting["token"], token or ""):
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    finally:
        discard(request, kind)
    return Pending(data=data, filename=waiting["filename"], choices=waiting.get("choices", {}))


def discard(request: HttpRequest, kind: str) -> None:
    waiting = request.session.pop(_session_key(kind), None) or {}
    path = _path(waiting.get("token", ""))
    if path is not None:
        path.unlink(missing_ok=True)


def remove_stale() -> None:
    """Uploads checked and never imported are removed a day later."""
    folder = directory()
    if not folder.is_dir():
        return
    cutoff = time.time() - STALE_SECONDS
    for path in folder.glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
