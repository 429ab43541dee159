"""Certificate endpoints of the JSON API (see config/api.py).

`GET /api/verify/{token}` is public (auth=None): the same verdict as the verify page and
`verify_qr`, rate limited per client network like the page, and logged the same way.
"""

# No `from __future__ import annotations` here: Ninja reads the annotations at import time.
import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from config.lane import session_free

from .views.verify import json_without_session, verify_json

router = Router(tags=["certificates"])


class VerifyOut(Schema):
    valid: bool = Field(description="Genuine signature AND in force today.")
    status: str = Field(
        description="valid, expiring, review_soon (in force, review due within 90 days), "
        "review_due, expired, suspended, revoked, cancelled, replaced, invalid (signature "
        "failed) or unknown (genuine, but not in the register)."
    )
    status_label: str
    number: str | None = Field(description="Masked when it contains the holder's ID number.")
    holder_name: str | None
    holder_sex: str | None = Field(description="M or F.")
    holder_id_masked: str | None
    type: str | None = Field(description="Certificate type code.")
    type_name: str | None
    operation_category: str | None
    operation_item: str | None
    first_issued: dt.date | None
    valid_from: dt.date | None
    expires: dt.date | None = Field(description="Last day of validity.")
    next_review: dt.date | None
    last_reviewed: dt.date | None
    issuer: str | None
    issuer_code: str | None
    signature: str = Field(
        description="ok, or why it failed: bad_signature, unknown_key, malformed, not_yet_valid."
    )
    key_id: str | None
    status_source: str = Field(description="live (the register), or empty when unknown.")
    status_as_of: dt.datetime | None
    status_list_stale: bool
    checked_at: dt.datetime


class Refusal(Schema):
    detail: str
    code: str


@router.get(
    "/verify/{token}",
    auth=None,
    response={200: VerifyOut, 429: Refusal},
    summary="Verify a certificate QR token (public)",
    url_name="certificate_verify",
)
@session_free(json_without_session)
def verify(request: HttpRequest, token: str):
    # Written in views/verify.py, which also answers it for phones without a session
    # (the session-free lane, config/lane.py); the schema above documents it.
    return verify_json(request, token)
