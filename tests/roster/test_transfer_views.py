"""The takeover attack through every door (the page's form, the API, the roster import) and
the transfer requests' page: ent_b's admin adds person_a, employed at ent_a, by ID number
with another name and phone. ent_a's job, the name and the phone stay; ent_b cannot see the
person or their certificates; all ent_b learns is that the person is employed elsewhere."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from certificates.models import CertificateStatus, CertificateType
from certificates.services.issuing import certificate_issue
from roster.models import AuditLog, Employment, Person, TransferRequest
from tests.factories import make_id_number
from tests.roster.sheets import HEADERS, roster_row, xlsx_bytes
from tests.roster.transfer_scene import (
    OTHER_NAME,
    OTHER_PHONE,
    PHONE_ON_FILE,
    ask,
    build,
    untouched,
)

pytestmark = pytest.mark.django_db

Status = TransferRequest.Status
EMPLOYED_ELSEWHERE = "此人目前在其他单位在职，已向其所在单位发出调入申请"
NAME_DIFFERS = "此身份证号已登记在其他姓名下"


@pytest.fixture
def scene(world):
    return build(world)


def signed_in(user) -> Client:
    client = Client()  # pages in the site's language, Simplified Chinese
    client.force_login(user)
    return client


def form(scene, **overrides) -> dict:
    return {
        "enterprise": scene.world.ent_b.uscc,
        "name": scene.person.name,
        "id_number": scene.person.id_number,
        "phone": OTHER_PHONE,
        "department": "织造车间",
        "post": "低压电工作业",
        "category": "special_operator",
        "employment_form": "regular",
        "hire_date": "2025-09-01",
        **overrides,
    }


def leaks(scene, text: str) -> list[str]:
    """What the asking side must not read: where the person works, their phone on file."""
    return [s for s in (scene.world.ent_a.name, PHONE_ON_FILE) if s in text]


# --- the form -------------------------------------------------------------------------------


def test_the_form_refuses_another_name_and_writes_nothing(scene):
    response = signed_in(scene.admin_b).post(
        reverse("roster:person_create"), form(scene, name=OTHER_NAME)
    )
    assert response.status_code == 200
    assert NAME_DIFFERS in " ".join(response.context["form"].errors["name"])
    assert untouched(scene) and not TransferRequest.objects.exists()
    assert leaks(scene, response.content.decode()) == []


def test_the_form_sends_a_transfer_request_and_says_only_employed_elsewhere(scene):
    client = signed_in(scene.admin_b)
    response = client.post(reverse("roster:person_create"), form(scene), follow=True)
    assert response.redirect_chain[-1][0] == reverse("roster:transfers")
    page = response.content.decode()
    assert EMPLOYED_ELSEWHERE in page
    assert leaks(scene, page) == []
    assert untouched(scene)
    transfer = TransferRequest.objects.get()
    assert (transfer.to_enterprise, transfer.status) == (scene.world.ent_b, Status.PENDING)
    assert f'id="outgoing-{transfer.pk}"' in page  # listed among ent_b's requests


def test_the_asking_enterprise_cannot_see_the_person_nor_their_certificate(scene):
    certificate = certificate_issue(
        person=scene.person, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    ask(scene)
    client = signed_in(scene.admin_b)
    assert client.get(reverse("roster:person_detail", args=[scene.person.pk])).status_code == 404
    roster = client.get(reverse("roster:list"), {"q": scene.person.id_number})
    assert list(roster.context["page"]) == []
    assert client.get(reverse("certificates:detail", args=[certificate.pk])).status_code == 404
    holders = client.get(reverse("certificates:holders")).content.decode()
    assert certificate.number not in holders
    manage = f"/certificates/manage/{certificate.pk}/"
    assert client.get(manage).status_code == 404
    suspend = client.post(manage + "suspend/", {"suspend-reason": "违章作业"})
    assert suspend.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.events.count() == 1  # issued, nothing since


def test_the_persons_own_enterprise_sees_the_request_with_a_count_and_accepts(scene):
    transfer = ask(scene).transfer
    client = signed_in(scene.admin_a)
    roster = client.get(reverse("roster:list")).content.decode()
    assert reverse("roster:transfers") in roster
    page = client.get(reverse("roster:transfers"))
    assert [t.pk for t in page.context["waiting"]] == [transfer.pk]
    assert transfer.pk in page.context["may_decide"]
    assert AuditLog.objects.filter(action="transfer.list", actor=scene.admin_a).exists()
    response = client.post(reverse("roster:transfer_accept", args=[transfer.pk]))
    assert response.status_code == 302
    assert TransferRequest.objects.get(pk=transfer.pk).status == Status.ACCEPTED
    b_roster = signed_in(scene.admin_b).get(reverse("roster:list"))
    assert scene.person.pk in [e.person_id for e in b_roster.context["page"]]


def test_the_navigation_counts_the_requests_waiting_for_a_decision(scene):
    ask(scene)
    page = signed_in(scene.admin_a).get("/").content.decode()
    assert f'href="{reverse("roster:transfers")}"' in page
    assert "调动申请" in page
    assert f'href="{reverse("roster:transfers")}"' not in (
        signed_in(scene.regulator_one).get("/").content.decode()
    )


def test_refusing_on_the_page_needs_a_reason_and_the_asking_side_reads_it(scene):
    transfer = ask(scene).transfer
    client = signed_in(scene.admin_a)
    url = reverse("roster:transfer_refuse", args=[transfer.pk])
    client.post(url, {"reason": ""})
    assert TransferRequest.objects.get(pk=transfer.pk).status == Status.PENDING
    client.post(url, {"reason": "劳动合同未到期"})
    assert TransferRequest.objects.get(pk=transfer.pk).status == Status.REFUSED
    b_page = signed_in(scene.admin_b).get(reverse("roster:transfers")).content.decode()
    assert "劳动合同未到期" in b_page
    assert leaks(scene, b_page) == []
    assert untouched(scene)


def test_a_regulator_over_both_enterprises_decides_on_the_page(scene):
    transfer = ask(scene).transfer
    client = signed_in(scene.regulator_both)
    assert transfer.pk in client.get(reverse("roster:transfers")).context["may_decide"]
    client.post(reverse("roster:transfer_accept", args=[transfer.pk]))
    assert TransferRequest.objects.get(pk=transfer.pk).status == Status.ACCEPTED


@pytest.mark.parametrize(
    ("who", "status"), [("admin_b", 403), ("regulator_one", 404), ("trainer", 403)]
)
def test_who_may_not_decide_is_refused_on_the_page(scene, who, status):
    transfer = ask(scene).transfer
    user = scene.world.trainer if who == "trainer" else getattr(scene, who)
    for action in ("transfer_accept", "transfer_refuse"):
        response = signed_in(user).post(
            reverse(f"roster:{action}", args=[transfer.pk]), {"reason": "x"}
        )
        assert response.status_code == status
    assert TransferRequest.objects.get(pk=transfer.pk).status == Status.PENDING
    assert untouched(scene)


def test_the_asking_enterprise_withdraws_on_the_page_and_the_other_side_cannot(scene):
    transfer = ask(scene).transfer
    url = reverse("roster:transfer_cancel", args=[transfer.pk])
    assert signed_in(scene.admin_a).post(url).status_code == 403
    assert signed_in(scene.admin_b).post(url).status_code == 302
    assert TransferRequest.objects.get(pk=transfer.pk).status == Status.CANCELLED


def test_a_decided_request_shows_why_it_cannot_change(scene):
    transfer = ask(scene).transfer
    client = signed_in(scene.admin_a)
    client.post(reverse("roster:transfer_refuse", args=[transfer.pk]), {"reason": "不同意"})
    response = client.post(reverse("roster:transfer_accept", args=[transfer.pk]), follow=True)
    assert "该申请已拒绝，不能再更改" in response.content.decode()
    assert TransferRequest.objects.get(pk=transfer.pk).status == Status.REFUSED
    assert untouched(scene)


def test_the_transfers_page_runs_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    from tests.factories import EmploymentFactory

    for _n in range(8):
        person = EmploymentFactory(enterprise=scene.world.ent_a).person
        ask(scene, id_number=person.id_number, name=person.name)
    client = signed_in(scene.admin_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("roster:transfers"))
    assert len(response.context["waiting"]) == 8


# --- the API --------------------------------------------------------------------------------


def api_post(user, body: dict):
    client = signed_in(user)
    return client.post("/api/people", json.dumps(body), content_type="application/json")


def api_body(scene, **overrides) -> dict:
    body = form(scene, **overrides)
    body["department"] = body.pop("department")
    return body


def test_the_api_refuses_another_name_with_422_and_writes_nothing(scene):
    response = api_post(scene.admin_b, api_body(scene, name=OTHER_NAME))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "name" and NAME_DIFFERS in error["msg"]
    assert untouched(scene) and not TransferRequest.objects.exists()


def test_the_api_answers_409_employed_elsewhere_and_creates_the_request(scene):
    response = api_post(scene.admin_b, api_body(scene))
    assert response.status_code == 409
    body = response.json()
    transfer = TransferRequest.objects.get()
    assert body == {
        "detail": body["detail"],
        "transfer_id": transfer.pk,
        "status": {"value": "pending", "label": "待处理"},
    }
    assert EMPLOYED_ELSEWHERE in body["detail"]
    assert leaks(scene, response.content.decode()) == []
    assert untouched(scene)
    # Asking again: the same request, still 409.
    again = api_post(scene.admin_b, api_body(scene))
    assert (again.status_code, again.json()["transfer_id"]) == (409, transfer.pk)


def test_the_api_does_not_let_the_asking_enterprise_read_the_person(scene):
    ask(scene)
    client = signed_in(scene.admin_b)
    assert client.get(f"/api/people/{scene.person.pk}").status_code == 404
    listed = client.get("/api/people", {"q": scene.person.id_number}).json()
    assert listed["count"] == 0


def test_the_openapi_schema_documents_the_409(scene):
    with translation.override("en"):
        schema = signed_in(scene.admin_b).get("/api/schema/").json()
    responses = schema["paths"]["/api/people"]["post"]["responses"]
    assert "409" in responses


# --- the roster import ---------------------------------------------------------------------


NEW_ID = make_id_number(seq=871)


def upload(client, rows, **extra):
    content = xlsx_bytes([HEADERS, *rows])
    data = {"file": SimpleUploadedFile("roster.xlsx", content), "enterprise": "", **extra}
    return client.post(reverse("roster:import"), data)


def import_rows(scene) -> list[list]:
    b = scene.world.ent_b.uscc
    colleague = scene.world.person_a_chem  # employed at ent_a_chem, under their own name
    return [
        roster_row(NEW_ID, b, 姓名="新员工"),  # row 2: a new person
        roster_row(scene.person.id_number, b, 姓名=OTHER_NAME, 手机号=OTHER_PHONE),  # row 3
        roster_row(colleague.id_number, b, 姓名=colleague.name),  # row 4: employed elsewhere
    ]


def test_the_import_check_lists_bad_names_and_people_employed_elsewhere(scene):
    client = signed_in(scene.admin_b)
    response = upload(client, import_rows(scene))
    preview = response.context["preview"]
    result = preview["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名")]
    assert NAME_DIFFERS in result.errors[0].reason
    assert [(t.row, t.already_waiting) for t in result.transfers] == [(4, False)]
    assert result.created == 1
    page = response.content.decode()
    assert "已在其他单位在职，将发出调入申请" in page
    assert leaks(scene, page) == [] and scene.world.ent_a_chem.name not in page
    # A check writes nothing.
    assert not TransferRequest.objects.exists()
    assert not Person.objects.filter(id_number=NEW_ID).exists()
    assert untouched(scene)


def test_importing_the_good_rows_sends_the_request_and_leaves_the_others_alone(scene):
    client = signed_in(scene.admin_b)
    token = upload(client, import_rows(scene)).context["preview"]["token"]
    response = client.post(reverse("roster:import"), {"token": token, "only_valid": "1"})
    assert response.status_code == 302
    assert Employment.objects.current().get(person__id_number=NEW_ID).enterprise == (
        scene.world.ent_b
    )
    transfer = TransferRequest.objects.get()
    assert transfer.person == scene.world.person_a_chem
    assert transfer.from_enterprise == scene.world.ent_a_chem
    assert untouched(scene)  # the row under another name changed nothing
    colleague = Employment.objects.current().get(person=scene.world.person_a_chem)
    assert colleague.enterprise == scene.world.ent_a_chem
    audit = AuditLog.objects.get(action="roster.import")
    assert audit.data["transfers"] == 1


def test_an_import_with_a_wrong_name_imports_nothing_without_only_valid(scene):
    client = signed_in(scene.admin_b)
    token = upload(client, import_rows(scene)).context["preview"]["token"]
    client.post(reverse("roster:import"), {"token": token})
    assert not TransferRequest.objects.exists()
    assert not Person.objects.filter(id_number=NEW_ID).exists()
