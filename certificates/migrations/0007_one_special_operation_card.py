"""One 特种作业操作证 per person (T + ID number) listing each operation item.

Every live special-operation card gets an item row for its own type. A person who was given
a "-2", "-3"... card for a further item keeps one card: the item moves onto the T + ID card
and the extra card is marked replaced, with an event saying onto which card it went."""

from django.db import migrations
from django.utils import timezone

LIVE = ("valid", "suspended")


def merge(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    CertificateItem = apps.get_model("certificates", "CertificateItem")
    CertificateEvent = apps.get_model("certificates", "CertificateEvent")
    cards = (
        Certificate.objects.filter(certificate_type__family="special_operation")
        .exclude(status="replaced")
        .order_by("person_id", "number", "pk")
    )
    base_of: dict[tuple[int, str], object] = {}
    for card in cards.iterator():
        CertificateItem.objects.get_or_create(
            certificate=card,
            certificate_type_id=card.certificate_type_id,
            defaults={
                "first_issued_on": card.first_issued_on,
                "last_reviewed_on": card.last_reviewed_on,
            },
        )
        stem, _dash, suffix = card.number.rpartition("-")
        if not (stem and suffix.isdigit() and stem.upper().startswith("T")):
            base_of.setdefault((card.person_id, card.number.upper()), card)
            continue
        base = base_of.get((card.person_id, stem.upper()))
        if base is None or base.status not in LIVE or card.status not in LIVE:
            continue
        CertificateItem.objects.get_or_create(
            certificate=base,
            certificate_type_id=card.certificate_type_id,
            defaults={
                "first_issued_on": card.first_issued_on,
                "last_reviewed_on": card.last_reviewed_on,
            },
        )
        Certificate.objects.filter(pk=card.pk).update(status="replaced")
        CertificateEvent.objects.create(
            certificate=card,
            kind="replaced",
            at=timezone.now(),
            reason="操作项目并入同一特种作业操作证",
            details={"onto": base.number, "onto_id": base.pk},
        )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0006_special_operation_catalogue")]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
