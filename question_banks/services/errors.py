"""The refusal the exam services raise. Its own module so that every exam service can raise it
without importing the attempts package, which imports several of them (keys.py among them)."""

from __future__ import annotations


class ExamError(Exception):
    """A refusal with a message for the examinee; `code` lets the page react to it."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code
