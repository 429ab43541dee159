"""The rows one person's "what, by when" reads in several places (the certificate rules, the
current employment, the study settings), read once per call.

`person_duties` asks each rule, window and training line through this object instead of each
check reading them again: the trainee's home went from 25 to 34 queries while every check
read its own copy (the current employment four times, the certificate rules four times).
Every public check still works alone (it makes its own `PersonReads` when given none), so a
single check costs what it did; the rows are read lazily, on first use."""

from __future__ import annotations

from functools import cached_property

from certificates.models import CertificateRule
from courses.models import StudySettings
from roster.models import Employment, Person


class PersonReads:
    def __init__(self, person: Person) -> None:
        self.person = person

    @cached_property
    def rules(self) -> dict[str, CertificateRule]:
        """The certificate rules, one per family."""
        return {r.family: r for r in CertificateRule.objects.all()}

    def rule(self, family: str) -> CertificateRule | None:
        return self.rules.get(family)

    @cached_property
    def employment(self) -> Employment | None:
        """The current employment (at most one), its enterprise, industry and department."""
        from courses.services.compliance import current_employment

        return current_employment(self.person)

    @cached_property
    def study_settings(self) -> StudySettings:
        """Read, not StudySettings.load(): showing someone's duties creates no settings row."""
        return StudySettings.objects.first() or StudySettings()
