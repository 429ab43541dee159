"""Receivers: any committed change to what the figures read bumps the report cache's data
version (reports.freshness). Imported by ReportsConfig.ready(), as every app wires its
signals."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from certificates.models import Certificate, CertificateType, PostRequirement
from courses.models import CreditEntry, HoursRule, StudySettings, ViolationRetraining
from question_banks.models import Attempt
from roster.models import DispatchRestriction, Employment, Enterprise, Industry, Person, Region

from .freshness import data_changed

WATCHED = [
    Region,
    Industry,
    Enterprise,
    Person,
    Employment,
    DispatchRestriction,
    Certificate,
    CertificateType,
    PostRequirement,
    CreditEntry,
    HoursRule,
    StudySettings,
    ViolationRetraining,
    Attempt,
]
for model in WATCHED:
    post_save.connect(data_changed, sender=model, dispatch_uid=f"reports-{model.__name__}")
    post_delete.connect(data_changed, sender=model, dispatch_uid=f"reports-d-{model.__name__}")
m2m_changed.connect(data_changed, dispatch_uid="reports-m2m")
