"""The issuer directory published with the keys is cached (certificates.services.directory):
renaming a certificate type, its issuer or its operation item shows in the next download of
/.well-known/certificate-keys.json once the change is committed, not ten minutes later."""

from __future__ import annotations

import pytest

from certificates.models import CertificateType
from certificates.services.directory import issuer_directory
from certificates.services.verification import DIRECTORY_MEMBER

pytestmark = pytest.mark.django_db


def _published(client) -> dict:
    return client.get("/.well-known/certificate-keys.json").json()[DIRECTORY_MEMBER]


def test_renaming_a_type_its_issuer_and_item_shows_at_once_after_the_commit(
    world, client, django_capture_on_commit_callbacks
):
    ctype = CertificateType.objects.get(code="TZ-DG")
    before = _published(client)  # cached now
    assert before["types"]["TZ-DG"]["name"] == ctype.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ctype.name = "特种作业操作证（电工，新名称）"
        ctype.operation_item = "低压电工作业（新）"
        ctype.save()
        # An issuer is renamed on every type it issues (the directory has one name a code).
        for same_issuer in CertificateType.objects.filter(issuer_code=ctype.issuer_code):
            same_issuer.issuer_name = "示范省应急管理厅（更名）"
            same_issuer.save(update_fields=["issuer_name"])
        # Not before the commit: a rolled-back edit must not show.
        assert issuer_directory().types["TZ-DG"]["name"] == before["types"]["TZ-DG"]["name"]
    assert callbacks
    for callback in callbacks:
        callback()
    after = _published(client)
    assert after["types"]["TZ-DG"]["name"] == "特种作业操作证（电工，新名称）"
    assert after["types"]["TZ-DG"]["item"] == "低压电工作业（新）"
    assert after["issuers"][ctype.issuer_code] == "示范省应急管理厅（更名）"


def test_a_deleted_type_leaves_the_directory_after_the_commit(
    world, client, django_capture_on_commit_callbacks
):
    ctype = CertificateType.objects.create(
        code="TZ-NEW", name="新证", issuer_code="990000", issuer_name="示范省应急管理厅"
    )
    assert "TZ-NEW" in _published(client)["types"]
    with django_capture_on_commit_callbacks(execute=True):
        ctype.delete()
    assert "TZ-NEW" not in _published(client)["types"]
