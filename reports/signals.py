"""Receivers: any committed change to what the figures read bumps the report cache's data
version (reports.freshness), and queues the people or enterprises whose maintained figures
it changes (reports.maintained). Imported by ReportsConfig.ready(), as every app wires its
signals."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from certificates.models import (
    Certificate,
    CertificateItem,
    CertificateType,
    OperationAssignment,
    PostRequirement,
)
from courses.models import CreditEntry, HoursRule, StudySettings, ViolationRetraining
from question_banks.models import Attempt
from roster.models import DispatchRestriction, Employment, Enterprise, Industry, Person, Region

from .figures import attempt_in_exam_figures
from .freshness import data_changed
from .maintained import figures_queue

WATCHED = [
    Region,
    Industry,
    Enterprise,
    Person,
    Employment,
    DispatchRestriction,
    Certificate,
    CertificateItem,
    CertificateType,
    OperationAssignment,
    PostRequirement,
    CreditEntry,
    HoursRule,
    StudySettings,
    ViolationRetraining,
    Attempt,
]


# Whose maintained figures a row's change touches. Region and Person are not here: a region
# is joined when the figures are summed, and no flag reads a person's own fields.
def _certificate_holder(item: CertificateItem) -> int | None:
    return (
        Certificate.objects.filter(pk=item.certificate_id)
        .values_list("person_id", flat=True)
        .first()
    )


def _job_holder(assignment: OperationAssignment) -> int | None:
    return (
        Employment.objects.filter(pk=assignment.employment_id)
        .values_list("person_id", flat=True)
        .first()
    )


PERSON_OF = {
    Employment: lambda row: row.person_id,
    Certificate: lambda row: row.person_id,
    CreditEntry: lambda row: row.person_id,
    ViolationRetraining: lambda row: row.person_id,
    # Only official exams count, and only once graded (figures._exam_flags); not a contest's
    # rounds, nor its daily questions.
    Attempt: lambda row: (
        row.person_id if row.passed is not None and attempt_in_exam_figures(row) else None
    ),
    CertificateItem: _certificate_holder,
    OperationAssignment: _job_holder,
}
RULES = [CertificateType, PostRequirement, HoursRule, StudySettings, Industry]


def _person_changed(sender, instance, **kwargs) -> None:
    figures_queue(person_ids=[PERSON_OF[sender](instance)])


def _attempt_deleted(sender, instance, **kwargs) -> None:
    if attempt_in_exam_figures(instance):
        figures_queue(person_ids=[instance.person_id])


def _attempt_data_changed(sender, instance, **kwargs) -> None:
    """The report cache's version bumped for an exam's attempt only: a contest round's or a
    daily questions' paper (every few milliseconds on a contest day) is in no cached figure
    (contest figures are read live: reports/contest_figures.py)."""
    if attempt_in_exam_figures(instance):
        data_changed()


def _enterprise_changed(sender, instance, **kwargs) -> None:
    figures_queue(enterprise_ids=[instance.pk])


def _rules_changed(sender, **kwargs) -> None:
    figures_queue(everything=True)


for model in PERSON_OF:
    uid = f"reports-figures-{model.__name__}"
    post_save.connect(_person_changed, sender=model, dispatch_uid=uid)
    if model is Attempt:
        post_delete.connect(_attempt_deleted, sender=model, dispatch_uid=f"{uid}-d")
    else:
        post_delete.connect(_person_changed, sender=model, dispatch_uid=f"{uid}-d")
post_save.connect(_enterprise_changed, sender=Enterprise, dispatch_uid="reports-figures-ent")
post_delete.connect(_enterprise_changed, sender=Enterprise, dispatch_uid="reports-figures-ent-d")
for model in RULES:
    uid = f"reports-figures-rules-{model.__name__}"
    post_save.connect(_rules_changed, sender=model, dispatch_uid=uid)
    post_delete.connect(_rules_changed, sender=model, dispatch_uid=f"{uid}-d")

# After the receivers above: their on-commit callbacks (the queue written) then run before
# the version bump's, so a report computed under the new version already sees the change
# queued and reads the live query until it is drained.
for model in WATCHED:
    receiver = _attempt_data_changed if model is Attempt else data_changed
    post_save.connect(receiver, sender=model, dispatch_uid=f"reports-{model.__name__}")
    post_delete.connect(receiver, sender=model, dispatch_uid=f"reports-d-{model.__name__}")
m2m_changed.connect(data_changed, dispatch_uid="reports-m2m")
