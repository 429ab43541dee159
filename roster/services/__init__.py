"""Commands that change roster state. Each is one transaction and writes its audit row."""

from .audit import audit_record
from .people import (
    PersonData,
    employment_change_status,
    employment_end,
    person_create_or_update,
)

__all__ = [
    "PersonData",
    "audit_record",
    "employment_change_status",
    "employment_end",
    "person_create_or_update",
]
