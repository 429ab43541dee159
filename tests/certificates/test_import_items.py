"""A certificate file's row for someone who already holds a 特种作业操作证 adds its operation
item to that one card (T + ID number), by `import_certificates` and on the web import; a row
that cannot is reported with the reason, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from certificates.models import Certificate, CertificateEvent, CertificateStatus, CertificateType
from certificates.services.issuing import certificate_issue
from tests.certificates.test_import_certificates import FIRST, HEADERS, bad_lines, failing, row, run
from tests.roster.sheets import write_xlsx, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/certificates/manage/import/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _card(person) -> Certificate:
    """person's 低压电工 card: T + their ID number, listing one item."""
    return certificate_issue(
        person=person, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )


def _items(card: Certificate) -> list[str]:
    return sorted(card.items.values_list("certificate_type__code", flat=True))


def test_a_row_of_a_second_item_adds_it_to_the_holders_card(world, tmp_path):
    card = _card(world.person_a)
    rows = [HEADERS, row(world.person_a, card.number, 证书类型="TZ-GY")]

    out = run(write_xlsx(tmp_path, rows))

    assert Certificate.objects.count() == 1
    card.refresh_from_db()
    assert _items(card) == ["TZ-DG", "TZ-GY"]
    item = card.items.get(certificate_type__code="TZ-GY")
    assert item.first_issued_on == FIRST
    assert CertificateEvent.objects.filter(
        certificate=card, kind=CertificateEvent.Kind.ITEM_ADDED
    ).exists()
    assert "Operation items added to existing special-operation certificates: 1." in out


def test_an_item_by_category_and_item_names_goes_onto_the_card_too(world, tmp_path):
    card = _card(world.person_a)
    rows = [
        HEADERS,
        row(world.person_a, card.number, 证书类型="", 作业类别="电工作业", 操作项目="高压电工作业"),
    ]

    run(write_xlsx(tmp_path, rows))

    assert _items(card) == ["TZ-DG", "TZ-GY"]


def test_another_number_for_a_holder_of_a_card_is_refused_naming_the_card(world, tmp_path):
    card = _card(world.person_a)
    rows = [HEADERS, row(world.person_a, "OLD-2", 证书类型="TZ-GY")]

    out, error = failing(write_xlsx(tmp_path, rows))

    [line] = bad_lines(out)
    assert line.startswith("Row 2, 证书编号, OLD-2:")
    assert f"already has the special-operation certificate {card.number}" in line
    assert "nothing was imported" in error
    assert _items(card) == ["TZ-DG"]


def test_an_item_the_card_lists_already_is_refused(world, tmp_path):
    card = _card(world.person_a)
    rows = [HEADERS, row(world.person_a, card.number, 证书类型="TZ-DG")]

    out, _error = failing(write_xlsx(tmp_path, rows))

    assert f"already holds {card.number}" in out
    assert _items(card) == ["TZ-DG"]


def test_a_suspended_card_takes_no_item(world, tmp_path):
    card = _card(world.person_a)
    Certificate.objects.filter(pk=card.pk).update(status="suspended")
    rows = [HEADERS, row(world.person_a, card.number, 证书类型="TZ-GY")]

    out, _error = failing(write_xlsx(tmp_path, rows))

    assert "an item cannot be added to it" in out
    assert _items(card) == ["TZ-DG"]


def test_two_items_of_a_new_holder_in_one_file_make_one_card(world, tmp_path):
    number = "T" + world.person_b.id_number
    rows = [
        HEADERS,
        row(world.person_b, number),
        row(world.person_b, number, 证书类型="TZ-GY"),
    ]

    run(write_xlsx(tmp_path, rows))

    card = Certificate.objects.get()
    assert card.number == number and _items(card) == ["TZ-DG", "TZ-GY"]


def test_the_same_number_for_two_people_is_still_refused(world, tmp_path):
    rows = [
        HEADERS,
        row(world.person_a, "SAME"),
        row(world.person_b, "SAME", 证书类型="TZ-GY"),
    ]

    out, _error = failing(write_xlsx(tmp_path, rows))

    assert len([line for line in bad_lines(out) if "also on row" in line]) == 2
    assert not Certificate.objects.exists()


def test_the_web_import_adds_the_item_and_says_so(world):
    card = _card(world.person_a)
    client = Client()
    client.force_login(world.enterprise_admin)
    data = xlsx_bytes([HEADERS, row(world.person_a, card.number, 证书类型="TZ-GY")])

    page = client.post(URL, {"file": SimpleUploadedFile("证书.xlsx", data)})

    check = page.context["check"]
    assert check["valid"] == 1 and check["report"].updated == 1
    assert _items(card) == ["TZ-DG"]  # the check page writes nothing
    done = client.post(URL, {"token": check["token"]})
    assert done.status_code == 302
    assert _items(card) == ["TZ-DG", "TZ-GY"]
    assert Certificate.objects.count() == 1


def test_a_new_card_after_cancellation_imports_under_the_same_t_plus_id_number(world, tmp_path):
    """Issuing reuses a person's T + ID number after 注销 (numbering.number_allocate); the
    import agrees: the cancelled card no longer holds it."""
    card = _card(world.person_a)
    Certificate.objects.filter(pk=card.pk).update(status=CertificateStatus.CANCELLED)
    rows = [HEADERS, row(world.person_a, card.number)]

    run(write_xlsx(tmp_path, rows))

    new = Certificate.objects.exclude(pk=card.pk).get(number=card.number)
    assert new.person == world.person_a and new.status == CertificateStatus.VALID


def test_a_live_cards_number_is_still_refused_for_someone_else(world, tmp_path):
    card = _card(world.person_a)
    rows = [HEADERS, row(world.person_b, card.number)]

    out, _error = failing(write_xlsx(tmp_path, rows))

    [line] = bad_lines(out)
    assert line.startswith(f"Row 2, 证书编号, {card.number}:")
    assert Certificate.objects.filter(number=card.number).count() == 1
