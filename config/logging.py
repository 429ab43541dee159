"""What the logs may not hold: certificate tokens (in verify URLs), ID numbers and phone
numbers. They reach log lines through request paths and query strings ("Not Found:
/roster/people/<an ID number>/") and through messages that quote what a user typed."""

import logging
import re

# Any case: the QR prints /VERIFY/<token> (certificates/trust/tokens.py).
_VERIFY = re.compile(r"/(api/)?verify/[^\s\"?]+", re.IGNORECASE)
# An 18-character ID number (17 digits and a digit or X), and a mainland mobile number,
# each standing alone (not part of a longer run of digits such as a timestamp).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def hide_personal_data(text: str) -> str:
    text = _VERIFY.sub(r"/\1verify/…", text)
    text = _ID_NUMBER.sub("<id-number>", text)
    return _PHONE.sub("<phone>", text)


class HidePersonalData(logging.Filter):
    """Blank out tokens, ID numbers and phone numbers in every log line a handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                hide_personal_data(a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = hide_personal_data(record.msg)
        return True
