"""The certificate types an exam session may issue on passing, offered to the exam engine
(question_banks.providers). Imported from CertificatesConfig.ready()."""

from __future__ import annotations

from certificates.models import CertificateType
from question_banks.providers import register_certificate_types


@register_certificate_types
def _certificate_types(*, user):
    return (
        CertificateType.objects.filter(is_active=True).order_by("code").values_list("code", "name")
    )
