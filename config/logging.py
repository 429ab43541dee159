import logging
import re

_VERIFY = re.compile(r"/(api/)?verify/[^\s\"?]+")


class HideVerifyPaths(logging.Filter):
    """Blank out certificate tokens in request log lines (they identify a person)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                _VERIFY.sub(r"/\1verify/…", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _VERIFY.sub(r"/\1verify/…", record.msg)
        return True
