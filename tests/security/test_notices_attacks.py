"""An outsider's attacks on notices and the library: acknowledging for someone else or a notice
no longer shown, another notice's attachment through one the attacker reads, changing a notice
one only oversees, publishing outside one's scope with forged ids, files that are not what
their names say, script in titles and bodies, formulas in the receipts export, and the
attachment's file at a guessable public address. Each refusal also changes no row."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from notices.models import KnowledgeItem, Notice, NoticeReceipt
from notices.services import (
    KnowledgeData,
    NoticeData,
    NoticeError,
    knowledge_publish,
    notice_publish,
    notice_withdraw,
)
from roster.choices import Role
from roster.models import Industry, RoleGrant
from tests.factories import UserFactory

from .conftest import PDF, changed_tables, database_fingerprint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in")]


def _ack(scene, who: str, receipt: NoticeReceipt | None = None):
    data = {"receipt": str(receipt.pk)} if receipt is not None else {}
    return scene.client(who).post(reverse("notices:acknowledge", args=[scene.notice.pk]), data)


def _receipt_of(scene, person) -> NoticeReceipt:
    return scene.notice.receipts.get(person=person)


# --------------------------------------------------------------------------- acknowledging


def test_a_withdrawn_notice_cannot_be_acknowledged_by_naming_ones_receipt(scene):
    receipt = _receipt_of(scene, scene.world.person_a)
    notice_withdraw(actor=scene.world.regulator_county, notice=scene.notice, reason="有误")
    before = database_fingerprint()
    response = _ack(scene, "trainee", receipt)
    assert response.status_code in (403, 404)
    assert changed_tables(before, database_fingerprint()) == []
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is None


def test_a_notice_past_its_window_cannot_be_acknowledged(scene):
    receipt = _receipt_of(scene, scene.world.person_a)
    Notice.objects.filter(pk=scene.notice.pk).update(
        publish_until=timezone.now() - dt.timedelta(minutes=1),
        ack_deadline=timezone.now() - dt.timedelta(minutes=2),
    )
    before = database_fingerprint()
    response = _ack(scene, "trainee", receipt)
    assert response.status_code in (403, 404)
    assert changed_tables(before, database_fingerprint()) == []


def test_nobody_acknowledges_for_a_colleague_by_naming_their_receipt(scene):
    # The enterprise admin has a receipt of their own; they name person_a's.
    victim = _receipt_of(scene, scene.world.person_a)
    before = database_fingerprint()
    for who in ("admin", "trainee_b", "admin_b", "regulator"):
        response = _ack(scene, who, victim)
        assert response.status_code in (403, 404), who
    assert changed_tables(before, database_fingerprint()) == []
    victim.refresh_from_db()
    assert victim.acknowledged_at is None


def test_a_receipt_of_another_notice_named_under_this_one_acknowledges_only_ones_own(scene):
    other = notice_publish(
        actor=scene.world.enterprise_admin,
        data=NoticeData(
            kind=Notice.Kind.ENTERPRISE,
            title="车间通知",
            body="请注意。",
            publish_from=timezone.now() - dt.timedelta(minutes=5),
            must_acknowledge=True,
            ack_deadline=timezone.now() + dt.timedelta(days=1),
            enterprise=scene.world.ent_a,
        ),
    )
    foreign = other.receipts.get(person=scene.world.person_a)
    response = _ack(scene, "trainee", foreign)
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert foreign.acknowledged_at is None  # the other notice stays unacknowledged


# --------------------------------------------------------------------------- attachments


def _notice_of_other_county(scene) -> Notice:
    return notice_publish(
        actor=scene.regulator_other,
        data=NoticeData(
            kind=Notice.Kind.REGIONAL,
            title="白石县内部通知",
            body="仅限白石县。",
            publish_from=timezone.now() - dt.timedelta(hours=1),
            region=scene.world.other_county,
            include_staff=True,
        ),
        uploads=[SimpleUploadedFile("secret.pdf", PDF, content_type="application/pdf")],
    )


def test_another_notices_attachment_is_not_served_through_a_notice_one_reads(scene):
    foreign = _notice_of_other_county(scene).attachments.get()
    url = reverse("notices:attachment", args=[scene.notice.pk, foreign.pk])
    for who in ("trainee", "admin", "regulator"):
        assert scene.client(who).get(url).status_code == 404, who


def test_an_attachment_is_not_kept_at_a_guessable_public_address(scene, settings):
    """MEDIA_ROOT is published at /media/ (config.storage): a notice's attachment there
    under its own name (media/documents/notice.pdf) would be open to anyone who guesses it.
    It is kept under a random folder, and still downloads under its own name."""
    attachment = scene.notice.attachments.select_related("document").get()
    stored = attachment.document.file.name
    assert stored != "documents/notice.pdf"
    assert not (settings.MEDIA_ROOT / "documents" / "notice.pdf").exists()
    folder = stored.split("/")[-2]
    assert len(folder) >= 20  # a random folder: nobody guesses it
    response = scene.client("trainee").get(
        reverse("notices:attachment", args=[scene.notice.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert 'filename="notice.pdf"' in response["Content-Disposition"]
    item_file = scene.knowledge_item.attachment.file.name
    assert not (settings.MEDIA_ROOT / "documents" / "rule.pdf").exists(), item_file


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notice.pdf", b"<html><script>alert(1)</script></html>"),
        ("notice.html", PDF),
        ("notice.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("photo.jpg", b"GIF89a" + b"\0" * 32),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(scene, name, data):
    scene.notice  # noqa: B018 (the scene's rows exist before the fingerprint)
    before = database_fingerprint()
    response = scene.client("regulator").post(
        "/notices/new/",
        {
            "kind": "regional",
            "title": "带附件的通知",
            "body": "见附件。",
            "region": scene.world.county.pk,
            "publish_from": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "attachments": SimpleUploadedFile(name, data),
        },
    )
    assert response.status_code == 400
    assert changed_tables(before, database_fingerprint()) == []


def test_an_oversized_attachment_is_refused(scene, settings):
    settings.NOTICE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(NoticeError) as refused:
        knowledge_publish(
            actor=scene.world.enterprise_admin,
            data=KnowledgeData(
                kind="policy",
                title="大文件",
                source="厂",
                doc_number="",
                issued_on=timezone.localdate(),
                enterprise=scene.world.ent_a,
            ),
            upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 2048),
        )
    assert refused.value.field == "attachment"
    assert not KnowledgeItem.objects.exists()


# --------------------------------------------------------------------------- changing, publishing


def test_a_colleague_regulator_who_sees_the_receipts_cannot_change_or_withdraw(scene):
    colleague = UserFactory(username="regulator_colleague")
    RoleGrant.objects.create(user=colleague, role=Role.REGULATOR, region=scene.world.county)
    scene.users["colleague"] = colleague
    notice = scene.notice
    client = scene.client("colleague")
    assert client.get(reverse("notices:receipts", args=[notice.pk])).status_code == 200
    before = database_fingerprint()
    edit = client.post(
        reverse("notices:edit", args=[notice.pk]),
        {"title": "篡改", "body": "篡改的正文", "must_acknowledge": ""},
    )
    withdraw = client.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "x"})
    assert edit.status_code == 403 and withdraw.status_code == 403
    assert changed_tables(before, database_fingerprint()) == []


def test_a_regulator_cannot_publish_to_another_countys_region_by_its_id(scene):
    scene.notice  # noqa: B018
    before = database_fingerprint()
    response = scene.client("regulator_other").post(
        "/notices/new/",
        {
            "kind": "regional",
            "title": "越权通知",
            "body": "越权。",
            "region": scene.world.county.pk,
            "publish_from": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert changed_tables(before, database_fingerprint()) == []
    with pytest.raises(NoticeError):
        notice_publish(
            actor=scene.regulator_other,
            data=NoticeData(
                kind=Notice.Kind.REGIONAL,
                title="越权通知",
                body="越权。",
                publish_from=timezone.now(),
                region=scene.world.county,
            ),
        )
    assert changed_tables(before, database_fingerprint()) == []


def test_an_industry_limited_regulator_cannot_name_another_industry(scene):
    with pytest.raises(NoticeError) as refused:
        notice_publish(
            actor=scene.world.regulator_township_chem,
            data=NoticeData(
                kind=Notice.Kind.REGIONAL,
                title="越权通知",
                body="越权。",
                publish_from=timezone.now(),
                region=scene.world.township_a,
                industries=[Industry.objects.get(code="07")],
            ),
        )
    assert refused.value.field == "industries"
    assert not Notice.objects.exists()


def test_an_admin_cannot_publish_to_another_enterprise_or_its_departments(scene):
    from roster.models import Department

    scene.notice  # noqa: B018
    before = database_fingerprint()
    response = scene.client("admin").post(
        "/notices/new/?kind=enterprise",
        {
            "kind": "enterprise",
            "title": "越权通知",
            "body": "越权。",
            "enterprise": scene.world.ent_b.pk,
            "publish_from": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    department_b = Department.objects.create(enterprise=scene.world.ent_b, name="纺纱车间")
    before = database_fingerprint()
    for data in (
        NoticeData(
            kind=Notice.Kind.ENTERPRISE,
            title="越权",
            body="越权。",
            publish_from=timezone.now(),
            enterprise=scene.world.ent_b,
        ),
        NoticeData(
            kind=Notice.Kind.ENTERPRISE,
            title="越权",
            body="越权。",
            publish_from=timezone.now(),
            enterprise=scene.world.ent_a,
            departments=[department_b],
        ),
    ):
        with pytest.raises(NoticeError):
            notice_publish(actor=scene.world.enterprise_admin, data=data)
    assert changed_tables(before, database_fingerprint()) == []


def test_an_admin_cannot_put_a_rule_in_another_enterprises_library(scene):
    scene.knowledge_item  # noqa: B018
    before = database_fingerprint()
    response = scene.client("admin_b").post(
        "/notices/library/new/",
        {
            "kind": "policy",
            "title": "越权制度",
            "source": "河口纺织厂",
            "issued_on": timezone.localdate().isoformat(),
            "body": "越权",
            "enterprise": scene.world.ent_a.pk,
        },
    )
    assert response.status_code == 400
    with pytest.raises(NoticeError):
        knowledge_publish(
            actor=scene.admin_b,
            data=KnowledgeData(
                kind="policy",
                title="越权制度",
                source="河口纺织厂",
                doc_number="",
                issued_on=timezone.localdate(),
                body="越权",
                enterprise=scene.world.ent_a,
            ),
        )
    assert changed_tables(before, database_fingerprint()) == []


# --------------------------------------------------------------------------- script, formulas

XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'
XSS_BODY = (
    '<p>正文<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">点我</a></p>'
    "<script>alert(3)</script><iframe src='//evil.example'></iframe>"
    "<svg onload=alert(4)></svg><p style='background:url(javascript:alert(5))'>x</p>"
)


def _live_markup(html: str) -> list[str]:
    """What of the attack would run in a browser: script elements with a body, tags with an
    on… handler, javascript: links, frames (the site's own script tags have a src)."""
    return (
        re.findall(r"<script>[^<]", html)
        + re.findall(r"<[a-z][^<>]*\son[a-z]+\s*=", html, flags=re.I)
        + re.findall(r"""(?:href|src)\s*=\s*["']?\s*javascript:""", html, flags=re.I)
        + re.findall(r"<iframe|<svg[^>]*onload", html, flags=re.I)
    )


def test_script_in_a_notices_title_and_body_never_reaches_a_readers_page(scene):
    notice = notice_publish(
        actor=scene.world.enterprise_admin,
        data=NoticeData(
            kind=Notice.Kind.ENTERPRISE,
            title=XSS_TITLE,
            body=XSS_BODY,
            publish_from=timezone.now() - dt.timedelta(minutes=5),
            enterprise=scene.world.ent_a,
        ),
    )
    pages = [
        scene.client("trainee").get("/notices/").content.decode(),
        scene.client("trainee").get(reverse("notices:detail", args=[notice.pk])).content.decode(),
        scene.client("admin").get(reverse("notices:receipts", args=[notice.pk])).content.decode(),
        scene.client("admin").get("/notices/published/").content.decode(),
    ]
    for html in pages:
        assert not _live_markup(html)
    assert "&lt;script&gt;" in pages[0]  # the title is shown, as text


def test_script_in_a_library_item_never_reaches_its_page(scene):
    item = knowledge_publish(
        actor=scene.world.enterprise_admin,
        data=KnowledgeData(
            kind="policy",
            title=XSS_TITLE,
            source="<b>厂</b>",
            doc_number="",
            issued_on=timezone.localdate(),
            body=XSS_BODY,
            enterprise=scene.world.ent_a,
        ),
    )
    for url in (reverse("notices:knowledge_detail", args=[item.pk]), "/notices/library/"):
        html = scene.client("trainee").get(url).content.decode()
        assert not _live_markup(html)


def test_a_readers_name_typed_as_a_formula_stays_text_in_the_receipts_export(scene):
    person = scene.world.person_a
    person.name = '=HYPERLINK("http://evil.example","点我")'
    person.save(update_fields=["name"])
    response = scene.client("regulator").get(
        reverse("notices:receipts_xlsx", args=[scene.notice.pk])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == person.name]
    assert cells, "the name is in the export"
    assert all(c.data_type == "s" for c in cells)
