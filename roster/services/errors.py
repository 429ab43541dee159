"""The refusal every roster service raises: a message for the user, a stable code, and the
field it concerns (so a form, the API and an import can each point at it their own way)."""

from __future__ import annotations


class RosterError(Exception):
    """A refused roster write. Nothing was written.

    `code` is stable ("not_admin", "name_mismatch", "forbidden", "state", ...); `field` names
    the input at fault ("name"), or is empty when the refusal concerns the whole request.
    """

    def __init__(self, message: str, code: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
