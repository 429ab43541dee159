"""Writes of warning education, rotation training and campaign months. Each service checks
that THIS user may do THIS to THIS object, in one transaction with its audit row, and
refuses bad input with a CampaignError naming the field; nothing is written then."""


class CampaignError(Exception):
    """A refusal with a message for the user (and the form field it is about, if any)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
