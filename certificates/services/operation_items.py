"""Setting the operation item (操作项目) of a special operator's job.

A 特种作业人员 always needs a special-operation certificate (certificates.requirements). When
their post names no item of the catalogue, the gap list asks the enterprise admin which item
they do; the answer is kept on the job, so the person then reads as needing that item's
certificate."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from certificates.models import CertificateFamily, CertificateType, OperationAssignment
from roster.choices import PersonnelCategory
from roster.models import Employment, User
from roster.selectors import administered_enterprises
from roster.services.audit import audit_record

from .issuing import CertificateError


def may_set_operation_item(*, user: User, employment: Employment) -> bool:
    """The system admin, and the admin of the job's enterprise while the job is current."""
    if employment.ended_on is not None:
        return False
    return (
        user.is_superuser
        or administered_enterprises(user=user).filter(pk=employment.enterprise_id).exists()
    )


@transaction.atomic
def employment_operation_item_set(
    *, actor: User, employment: Employment, ctype: CertificateType
) -> OperationAssignment:
    """Record that this job does that operation item. Refused for someone else's job, a job
    that is not a special operator's, and a type that is not an active catalogue item."""
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    if not may_set_operation_item(user=actor, employment=employment):
        raise CertificateError(
            _("Only the system admin and the admin of this job's enterprise set its item."),
            "forbidden",
        )
    if employment.category != PersonnelCategory.SPECIAL_OPERATOR:
        raise CertificateError(
            _("Only a special operator's job has an operation item."), "not_special_operator"
        )
    if ctype.family != CertificateFamily.SPECIAL_OPERATION or not ctype.is_active:
        raise CertificateError(
            _("Choose an operation item of the special-operation catalogue."), "not_an_item"
        )
    assignment, created = OperationAssignment.objects.get_or_create(
        employment=employment, certificate_type=ctype, defaults={"set_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="certificates.operation_item_set",
            target=employment,
            summary=f"{employment.person.name}: {ctype.operation_item}",
            item=ctype.code,
        )
    return assignment
