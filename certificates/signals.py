"""Receivers: issue on a passed exam; rebuild the status list when a certificate changes.
Also registers the certificate types offered to the exam engine (exam_providers).
Imported by CertificatesConfig.ready(), as every app wires its signals."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from question_banks.signals import attempt_finished, attempt_passed

from . import exam_providers  # noqa: F401  (registers with question_banks.providers)
from .models import Certificate, CertificateType
from .services.directory import directory_forget
from .services.status import status_list_invalidate


def _retention_guard(sender, instance, **kwargs) -> None:
    from .services.retention import guard_delete

    guard_delete(instance)


# Records kept for their retention (services.retention), whatever deletes them.
for _model in (
    "courses.CreditEntry",
    "courses.SafetyEducationRecord",
    "question_banks.Attempt",
    "certificates.Certificate",
):
    pre_delete.connect(_retention_guard, sender=_model, dispatch_uid=f"retention:{_model}")


@receiver(attempt_passed, dispatch_uid="certificates.issue_on_pass")
def issue_on_pass(sender, attempt_id: int, **kwargs) -> None:
    from question_banks.models import Attempt

    if not (
        Attempt.objects.filter(pk=attempt_id).exclude(session__certificate_type_code="").exists()
    ):
        return
    from config.celery import send_or_leave

    from .tasks import issue_certificate_for_attempt_task

    # Inline when the broker is down: a pass must earn its certificate even then. Never
    # raised at the submit (this runs after its commit): a failure is logged.
    send_or_leave(
        issue_certificate_for_attempt_task,
        attempt_id,
        sweep="none: logged for an operator; the attempt keeps its pass",
    )


@receiver(attempt_finished, dispatch_uid="certificates.resit_failed_elsewhere")
def mark_failed_resit(sender, attempt, **kwargs) -> None:
    """A failed resit of an item: the person's other sessions of the item check at the start
    that they retrained since (they were put on those lists before it failed)."""
    from question_banks.models import Attempt

    if (
        attempt.kind != Attempt.Kind.OFFICIAL
        or attempt.passed is not False
        or attempt.session is None
        or not attempt.session.certificate_type_code
    ):
        return
    from .services.windows import retrain_mark_candidacies

    retrain_mark_candidacies(attempt)


@receiver(post_save, sender=Certificate, dispatch_uid="certificates.status_list_changed")
def certificate_saved(sender, instance: Certificate, **kwargs) -> None:
    transaction.on_commit(status_list_invalidate)


@receiver(post_save, sender=CertificateType, dispatch_uid="certificates.directory_type_saved")
@receiver(post_delete, sender=CertificateType, dispatch_uid="certificates.directory_type_deleted")
def certificate_type_changed(sender, instance: CertificateType, **kwargs) -> None:
    """A type's name, operation item or issuer is what the published issuer directory says
    for its codes: whichever screen or command saved it, the next download of the keys
    shows the change (types change seldom; the rebuild is a few small queries)."""
    transaction.on_commit(directory_forget)
