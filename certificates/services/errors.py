"""The error every certificate service refuses with (in its own module so that the rule
checks in windows.py and the services that call them share it without importing each other)."""


class CertificateError(Exception):
    """A refused certificate operation, with a message for the user and a stable code."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
