"""Exam passes: signed notes naming a person and what they may do on exam day, which the
exam's pages send with the requests that come by the thousand (the 9:00 start, the answer
saves and the submit at the end), so that these need neither the session nor the account.

Reading the session and then the account (two cache round trips, the whole middleware
stack) cost more than the start or the save itself. The pages that send them are rendered
only for the signed-in person they concern, so they can carry a pass:
- the session page, for its candidate: start this session (scope `session:<code>`), valid
  until the session closes;
- the exam page, for the owner of an attempt in progress: save answers to it and submit
  it (scope `attempt:<id>`), valid until its deadline and grace.
A pass gives no more than the open page already has. The start statement still checks the
person is on the list of the open session, with the access code typed; the save statement
still writes only to that person's attempt in progress (and the submit statement hands in only
such an attempt), held by the page's tab (its client
id, which no cookie carries) and within its deadline. A pass travels in a form field or a
request header that another site cannot read or make a browser send, so it also stands in
for the CSRF token.

What a pass does not notice while the page is open: signing out in another tab, or the
account being deactivated. Either takes effect when the pass ends at the latest; every
other request (the exam page itself, the result) goes through the session. A
request the pass does not cover (an expired or altered pass, a start or a save the single
statement does not take) goes the usual way, through the session, which says why it
refuses.
"""

from __future__ import annotations

import datetime as dt
import math

from django.core.signing import BadSignature, Signer

_SALT = "question_banks.exam-pass"
META_KEY = "HTTP_X_EXAM_PASS"  # the answer saves' X-Exam-Pass header
FIELD = "pass"  # the start form


def _signer() -> Signer:
    return Signer(salt=_SALT, algorithm="sha256")  # SECRET_KEY (and fallbacks) as they are now


def attempt_scope(attempt_id: int) -> str:
    return f"attempt:{attempt_id}"


def session_scope(code: str) -> str:
    return f"session:{code}"


def issue_pass(*, scope: str, person_id: int, valid_until: dt.datetime) -> str:
    """`<scope>|<person>|<expiry>:<signature>`."""
    expiry = math.ceil(valid_until.timestamp())
    return _signer().sign(f"{scope}|{person_id}|{expiry}")


def pass_holder(value: str, *, scope: str, now: dt.datetime) -> int | None:
    """The person a pass for this scope names, or None when it is not one (altered, signed
    with a key no longer in SECRET_KEY or its fallbacks, for another scope, or expired)."""
    if len(value) > 300:
        return None
    try:
        signed_scope, person, expiry = _signer().unsign(value).split("|")
    except (BadSignature, ValueError):
        return None
    if signed_scope != scope or not person.isdigit() or not expiry.isdigit():
        return None
    if int(expiry) < now.timestamp():
        return None
    return int(person)
