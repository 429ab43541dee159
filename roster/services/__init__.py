"""Commands that change roster state. Each is one transaction and writes its audit row."""

from .audit import audit_record
from .employments import PersonData, employment_end
from .errors import RosterError
from .people import employment_change_status, person_create_or_update
from .transfers import (
    person_transfer_request,
    transfer_accept,
    transfer_cancel,
    transfer_refuse,
)

__all__ = [
    "PersonData",
    "RosterError",
    "audit_record",
    "employment_change_status",
    "employment_end",
    "person_create_or_update",
    "person_transfer_request",
    "transfer_accept",
    "transfer_cancel",
    "transfer_refuse",
]
