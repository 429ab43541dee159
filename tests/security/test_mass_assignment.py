"""Mass assignment: every write of the walk (test_url_walk's PROTECTED entries whose right
user's POST or PATCH changes the database) sent again by that user with extra fields an
attacker adds to the body: an owner in another county (enterprise, region, person of the
other county's enterprise), a status, a score, a pass, staff and superuser flags, another
user as the actor. The write may go through, but none of the extra fields may take: no row
comes to point at the other county's enterprise, region or person, nobody becomes staff or
superuser, no certificate becomes revoked and no paper gets the forged score.

Fields the body already has are left as the walk sends them (they are the form's own)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from certificates.models import Certificate, CertificateStatus
from question_banks.models import Attempt
from roster.models import Enterprise, Person, Region, User

from .conftest import Scene
from .test_url_walk import PROTECTED, send

pytestmark = pytest.mark.django_db

_APPS = ("roster", "courses", "question_banks", "certificates", "notices", "drills", "campaigns")
_FORGED_SCORE = Decimal("99.5")

WRITES = sorted(
    name
    for name, spec in PROTECTED.items()
    if spec.data and spec.effective and ({"POST", "PATCH"} & set(spec.methods))
)


def _extras(s: Scene, *, api: bool) -> dict:
    w = s.world
    on = True if api else "on"
    return {
        "enterprise": w.ent_other.pk,
        "enterprise_id": w.ent_other.pk,
        "region": w.other_county.pk,
        "region_id": w.other_county.pk,
        "person": w.person_other.pk,
        "person_id": w.person_other.pk,
        "owner": w.ent_other.pk,
        "status": CertificateStatus.REVOKED.value,
        "score": str(_FORGED_SCORE),
        "passed": on,
        "is_staff": on,
        "is_superuser": on,
        "user": w.system_admin.pk,
        "actor": w.system_admin.pk,
        "publisher": w.system_admin.pk,
        "created_by": w.system_admin.pk,
    }


def _pointing_at(targets: dict[type[models.Model], int]) -> dict[str, int]:
    """How many rows of every table point at each forged target, by foreign key."""
    counts = {}
    for label in _APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy:
                continue
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete and field.many_to_one):
                    continue
                target = targets.get(field.related_model)
                if target is None:
                    continue
                key = f"{model._meta.label_lower}.{field.name}"
                counts[key] = model._base_manager.filter(**{field.attname: target}).count()
    return counts


def _marks(s: Scene) -> dict:
    w = s.world
    targets = {Enterprise: w.ent_other.pk, Region: w.other_county.pk, Person: w.person_other.pk}
    return {
        "pointing": _pointing_at(targets),
        "privileged": sorted(
            User.objects.filter(models.Q(is_staff=True) | models.Q(is_superuser=True)).values_list(
                "pk", flat=True
            )
        ),
        "revoked": Certificate.objects.filter(status=CertificateStatus.REVOKED).count(),
        "forged_scores": Attempt.objects.filter(score=_FORGED_SCORE).count(),
    }


@pytest.mark.parametrize("name", WRITES)
def test_extra_fields_in_a_write_take_no_effect(name, scene):
    spec = PROTECTED[name]
    if spec.prepare:
        spec.prepare(scene)
    url = spec.url(scene)
    assert spec.data is not None
    data = spec.data(scene)
    forged = {k: v for k, v in _extras(scene, api=spec.api).items() if k not in data}
    client = scene.client(spec.right)
    before = _marks(scene)

    for method in (m for m in spec.methods if m != "GET"):
        response = send(client, method, url, {**data, **forged}, spec.api, spec.multipart)
        assert response.status_code < 500, f"{method} {url}: {response.status_code}"

    after = _marks(scene)
    changed = {
        key: (before["pointing"].get(key), count)
        for key, count in after["pointing"].items()
        if before["pointing"].get(key) != count
    }
    assert changed == {}, f"{url}: rows now point at the other county's objects: {changed}"
    for mark in ("privileged", "revoked", "forged_scores"):
        assert after[mark] == before[mark], f"{url}: {mark} {before[mark]} -> {after[mark]}"
