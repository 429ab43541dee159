"""The roster JSON API for every role in the world (ARCHITECTURE.md rule 7, "Interfaces").

Each test asks one question of one endpoint: who gets in, which rows come back, what is
masked, what is audited, and how bad input is answered.
"""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.test import Client
from django.utils import translation

from roster.choices import EmploymentStatus, PersonnelCategory
from roster.identity import mask_id_number
from roster.models import AuditLog, Employment, Person
from roster.services import PersonData, employment_end, person_create_or_update
from tests.factories import EmploymentFactory, make_id_number, make_uscc

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "no_role",
    "trainee",
    "enterprise_admin",
    "regulator_county",
    "regulator_township_chem",
    "trainer",
    "system_admin",
]
NON_STAFF = ["no_role", "trainee"]
ENTERPRISES = ["ent_a", "ent_a_chem", "ent_b", "ent_other"]
# Who reaches which enterprise of the world (and so which people).
SCOPE = {
    "anonymous": set(),
    "no_role": set(),
    "trainee": set(),
    "enterprise_admin": {"ent_a"},
    "regulator_county": {"ent_a", "ent_a_chem", "ent_b"},
    "regulator_township_chem": {"ent_a_chem"},
    "trainer": {"ent_b"},
    "system_admin": set(ENTERPRISES),
}
LEFT_ON = dt.date(2025, 6, 30)
STAFF = [role for role in ROLES if SCOPE[role]]
PERSON_AT = {
    "ent_a": "person_a",
    "ent_a_chem": "person_a_chem",
    "ent_b": "person_b",
    "ent_other": "person_other",
}
# Whose full ID number each role may see on a detail (can_see_full_id).
FULL_ID = {
    "trainee": {"person_a"},
    "enterprise_admin": {"person_a"},
    "regulator_county": {"person_a", "person_a_chem", "person_b"},
    "regulator_township_chem": {"person_a_chem"},
    "trainer": set(),
    "system_admin": set(PERSON_AT.values()),
}


def client_as(world, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def send(client: Client, method: str, url: str, payload: dict | None = None, **extra):
    return getattr(client, method)(
        url, data=json.dumps(payload or {}), content_type="application/json", **extra
    )


def person_payload(world, **overrides) -> dict:
    return {
        "enterprise": world.ent_a.uscc,
        "id_number": make_id_number(seq=701),
        "name": "王小明",
        "phone": "13800138000",
        "department": "机修车间",
        "post": "低压电工作业",
        "category": PersonnelCategory.SPECIAL_OPERATOR.value,
        "employment_form": "regular",
        "hire_date": "2024-03-01",
        **overrides,
    }


def enterprise_names(world, keys) -> list[str]:
    return sorted(getattr(world, key).name for key in keys)


def audit_count(action: str, **filters) -> int:
    return AuditLog.objects.filter(action=action, **filters).count()


# --- who may call the staff lists ----------------------------------------------------------


def test_anonymous_gets_401_from_every_endpoint(world):
    client = Client()
    person = f"/api/people/{world.person_a.pk}"
    enterprise = f"/api/enterprises/{world.ent_a.uscc}"
    statuses = {
        "GET /api/enterprises": client.get("/api/enterprises").status_code,
        "GET /api/enterprises/{uscc}": client.get(enterprise).status_code,
        "GET /api/people": client.get("/api/people").status_code,
        "GET /api/people/{id}": client.get(person).status_code,
        "POST /api/people": send(client, "post", "/api/people", person_payload(world)).status_code,
        "PATCH /api/people/{id}": send(client, "patch", person, {"post": "焊工"}).status_code,
        "GET /api/me": client.get("/api/me").status_code,
    }
    assert statuses == dict.fromkeys(statuses, 401)


@pytest.mark.parametrize("role", NON_STAFF)
def test_staff_lists_refuse_trainees_and_accounts_without_a_role(world, role):
    client = client_as(world, role)
    for url in ("/api/enterprises", "/api/people"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["detail"], url


@pytest.mark.parametrize("role", NON_STAFF)
def test_enterprise_detail_refuses_trainees_and_accounts_without_a_role(world, role):
    response = client_as(world, role).get(f"/api/enterprises/{world.ent_a.uscc}")
    assert response.status_code == 403


# --- enterprises ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_enterprise_list_holds_exactly_the_role_scope(world, role):
    response = client_as(world, role).get("/api/enterprises")
    assert response.status_code == 200
    body = response.json()
    assert sorted(e["name"] for e in body["items"]) == enterprise_names(world, SCOPE[role])
    assert body["count"] == len(SCOPE[role])


@pytest.mark.parametrize("role", STAFF)
def test_enterprise_detail_is_found_in_scope_and_404_outside(world, role):
    client = client_as(world, role)
    statuses = {
        key: client.get(f"/api/enterprises/{getattr(world, key).uscc}").status_code
        for key in ENTERPRISES
    }
    assert statuses == {key: 200 if key in SCOPE[role] else 404 for key in ENTERPRISES}


def test_enterprise_out_of_scope_and_missing_answer_the_same_404(world):
    client = client_as(world, "enterprise_admin")
    outside = client.get(f"/api/enterprises/{world.ent_b.uscc}")
    missing = client.get(f"/api/enterprises/{make_uscc(seq=9999)}")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_enterprise_detail_counts_current_people_by_category(world):
    body = client_as(world, "enterprise_admin").get(f"/api/enterprises/{world.ent_a.uscc}").json()
    assert body["headcount"] == 1
    assert body["by_category"] == [
        {
            "category": {"value": "general", "label": str(PersonnelCategory.GENERAL.label)},
            "count": 1,
        }
    ]


def test_enterprise_region_filter_takes_the_whole_subtree(world):
    client = client_as(world, "system_admin")
    county = client.get("/api/enterprises", {"region": "990102"}).json()
    township = client.get("/api/enterprises", {"region": "990102002"}).json()
    assert sorted(e["name"] for e in county["items"]) == enterprise_names(
        world, ["ent_a", "ent_a_chem", "ent_b"]
    )
    assert [e["name"] for e in township["items"]] == [world.ent_b.name]


def test_enterprise_region_filter_cannot_widen_the_scope(world):
    body = client_as(world, "trainer").get("/api/enterprises", {"region": "990000"}).json()
    assert [e["name"] for e in body["items"]] == [world.ent_b.name]


def test_enterprise_unknown_region_filter_gives_an_empty_list(world):
    body = client_as(world, "system_admin").get("/api/enterprises", {"region": "123"}).json()
    assert body == {"items": [], "count": 0}


def test_enterprise_industry_filter(world):
    body = client_as(world, "regulator_county").get("/api/enterprises", {"industry": "03"}).json()
    assert [e["name"] for e in body["items"]] == [world.ent_a_chem.name]


def test_enterprise_search_by_name_part_or_exact_credit_code(world):
    client = client_as(world, "system_admin")
    by_name = client.get("/api/enterprises", {"q": "纺织"}).json()
    by_code = client.get("/api/enterprises", {"q": world.ent_other.uscc.lower()}).json()
    assert [e["name"] for e in by_name["items"]] == [world.ent_b.name]
    assert [e["name"] for e in by_code["items"]] == [world.ent_other.name]


def test_enterprise_list_is_paginated(world):
    body = client_as(world, "system_admin").get("/api/enterprises", {"page_size": 3}).json()
    assert body["count"] == 4
    assert len(body["items"]) == 3


# --- the roster ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_people_list_holds_exactly_the_people_in_scope(world, role):
    body = client_as(world, role).get("/api/people").json()
    expected = {getattr(world, PERSON_AT[key]).pk for key in SCOPE[role]}
    assert {row["person_id"] for row in body["items"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("role", STAFF)
def test_people_list_masks_every_id_number_and_phone(world, role):
    Person.objects.update(phone="13912345678")
    body = client_as(world, role).get("/api/people").json()
    for row in body["items"]:
        person = Person.objects.get(pk=row["person_id"])
        assert row["id_number"] == mask_id_number(person.id_number)
        assert row["phone"] == "139****5678"
        assert "birth_date" not in row


def test_people_list_row_carries_the_roster_columns(world):
    row = client_as(world, "enterprise_admin").get("/api/people").json()["items"][0]
    assert row["name"] == world.person_a.name
    assert row["enterprise"] == {"uscc": world.ent_a.uscc, "name": world.ent_a.name}
    assert row["category"] == {"value": "general", "label": str(PersonnelCategory.GENERAL.label)}
    assert row["status"]["value"] == EmploymentStatus.ON_POST
    assert row["employment_form"]["value"] == "regular"
    assert row["hire_date"] == "2020-03-01"
    assert set(row) >= {"sex", "department", "post"}


def test_people_list_leaves_out_former_employments(world):
    employment_end(employment=world.person_b.employments.get(), on=LEFT_ON, actor=None)
    body = client_as(world, "trainer").get("/api/people").json()
    assert body["items"] == []


@pytest.mark.parametrize("role", STAFF)
def test_people_list_writes_one_audit_row_per_call(world, role):
    client_as(world, role).get("/api/people", {"category": "general"})
    row = AuditLog.objects.get(action="api.people.list")
    assert row.actor == getattr(world, role)
    assert row.data["filters"] == {"category": "general"}


@pytest.mark.parametrize("role", NON_STAFF)
def test_people_list_refused_writes_no_audit_row(world, role):
    client_as(world, role).get("/api/people")
    assert audit_count("api.people.list") == 0


def test_people_list_filter_by_enterprise(world):
    body = client_as(world, "regulator_county").get("/api/people", {"enterprise": world.ent_b.uscc})
    assert [row["person_id"] for row in body.json()["items"]] == [world.person_b.pk]


def test_people_list_filter_by_an_enterprise_outside_the_scope_is_empty(world):
    body = client_as(world, "trainer").get("/api/people", {"enterprise": world.ent_a.uscc}).json()
    assert body == {"items": [], "count": 0}


def test_people_list_filters_by_category_form_and_status(world):
    Employment.objects.filter(person=world.person_b).update(
        category=PersonnelCategory.SPECIAL_OPERATOR, employment_form="dispatched", status="off_post"
    )
    client = client_as(world, "regulator_county")
    for params in (
        {"category": "special_operator"},
        {"employment_form": "dispatched"},
        {"status": "off_post"},
    ):
        items = client.get("/api/people", params).json()["items"]
        assert [row["person_id"] for row in items] == [world.person_b.pk], params


def test_people_list_search_by_name_or_exact_id_number(world):
    client = client_as(world, "system_admin")
    by_name = client.get("/api/people", {"q": world.person_b.name}).json()["items"]
    by_id = client.get("/api/people", {"q": world.person_other.id_number}).json()["items"]
    assert [row["person_id"] for row in by_name] == [world.person_b.pk]
    assert [row["person_id"] for row in by_id] == [world.person_other.pk]


def test_people_list_search_cannot_find_someone_outside_the_scope(world):
    body = client_as(world, "trainer").get("/api/people", {"q": world.person_a.id_number}).json()
    assert body["items"] == []


def test_people_list_unknown_category_is_422_with_a_message_for_the_field(world):
    response = client_as(world, "system_admin").get("/api/people", {"category": "pilot"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "category"]
    assert "pilot" in error["msg"]


def test_people_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(30):
        EmploymentFactory(enterprise=world.ent_a)
    client = client_as(world, "system_admin")
    # session, user, grants, count, rows, audit insert (+ transaction savepoints)
    with django_assert_max_num_queries(10):
        response = client.get("/api/people")
    assert response.json()["count"] == 34


def test_enterprise_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(20):
        EmploymentFactory(enterprise=world.ent_b)
    client = client_as(world, "regulator_county")
    with django_assert_max_num_queries(8):
        response = client.get("/api/enterprises")
    assert response.json()["count"] == 3


# --- one person ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_person_detail_is_found_in_scope_and_404_outside(world, role):
    client = client_as(world, role)
    statuses = {
        key: client.get(f"/api/people/{getattr(world, PERSON_AT[key]).pk}").status_code
        for key in ENTERPRISES
    }
    assert statuses == {key: 200 if key in SCOPE[role] else 404 for key in ENTERPRISES}


def test_person_out_of_scope_and_missing_answer_the_same_404(world):
    client = client_as(world, "trainer")
    outside = client.get(f"/api/people/{world.person_a.pk}")
    missing = client.get("/api/people/999999")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_trainee_reads_their_own_record_in_full(world):
    body = client_as(world, "trainee").get(f"/api/people/{world.person_a.pk}").json()
    assert body["id_number"] == world.person_a.id_number
    assert body["full_identity"] is True


def test_trainee_gets_404_for_anyone_else(world):
    client = client_as(world, "trainee")
    for person in ("person_a_chem", "person_b", "person_other"):
        assert client.get(f"/api/people/{getattr(world, person).pk}").status_code == 404, person


def test_account_without_role_gets_404_for_every_person(world):
    client = client_as(world, "no_role")
    for person in PERSON_AT.values():
        assert client.get(f"/api/people/{getattr(world, person).pk}").status_code == 404, person


@pytest.mark.parametrize("role", STAFF)
def test_person_detail_shows_id_phone_and_birth_date_in_full_only_to_those_allowed(world, role):
    Person.objects.update(phone="13912345678")
    client = client_as(world, role)
    for person in (PERSON_AT[key] for key in SCOPE[role]):
        target = getattr(world, person)
        body = client.get(f"/api/people/{target.pk}").json()
        if person in FULL_ID[role]:
            expected = (True, target.id_number, "13912345678", "1985-06-15")
        else:
            expected = (False, mask_id_number(target.id_number), "139****5678", None)
        shown = (body["full_identity"], body["id_number"], body["phone"], body["birth_date"])
        assert shown == expected, person


@pytest.mark.parametrize("full", [True, False])
def test_staff_person_detail_writes_a_person_view_audit_row(world, full):
    role, person = ("regulator_county", world.person_a) if full else ("trainer", world.person_b)
    client_as(world, role).get(f"/api/people/{person.pk}")
    row = AuditLog.objects.get(action="person.view")
    assert (row.actor, row.target_id) == (getattr(world, role), str(person.pk))
    assert row.data == {"full_identity": full}


def test_trainee_reading_their_own_record_is_not_audited(world):
    client_as(world, "trainee").get(f"/api/people/{world.person_a.pk}")
    assert audit_count("person.view") == 0


def test_person_detail_404_writes_no_audit_row(world):
    client_as(world, "trainer").get(f"/api/people/{world.person_a.pk}")
    assert audit_count("person.view") == 0


def test_person_detail_lists_the_current_employment_first_then_former_ones(world):
    person = world.person_b
    employment_end(employment=person.employments.get(), on=LEFT_ON, actor=None)
    EmploymentFactory(person=person, enterprise=world.ent_a)
    body = client_as(world, "system_admin").get(f"/api/people/{person.pk}").json()
    assert [(e["enterprise"]["name"], e["is_current"]) for e in body["employments"]] == [
        (world.ent_a.name, True),
        (world.ent_b.name, False),
    ]


def move(person, enterprise):
    """The person changes employer (the old employment ends, history kept)."""
    person_create_or_update(
        data=PersonData(
            id_number=person.id_number,
            name=person.name,
            enterprise=enterprise,
            category=PersonnelCategory.GENERAL,
            hire_date=LEFT_ON,
        ),
        actor=None,
    )


def test_staff_of_a_former_employer_do_not_see_the_new_employment(world):
    move(world.person_b, world.ent_other)
    body = client_as(world, "trainer").get(f"/api/people/{world.person_b.pk}").json()
    assert [(e["enterprise"]["name"], e["is_current"]) for e in body["employments"]] == [
        (world.ent_b.name, False)
    ]


def test_a_trainee_sees_every_employment_of_their_own(world):
    move(world.person_a, world.ent_other)
    body = client_as(world, "trainee").get(f"/api/people/{world.person_a.pk}").json()
    assert [e["enterprise"]["name"] for e in body["employments"]] == [
        world.ent_other.name,
        world.ent_a.name,
    ]


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [("enterprise_admin", True), ("system_admin", True), ("regulator_county", False)],
)
def test_person_detail_says_whether_the_caller_may_edit(world, role, may_edit):
    body = client_as(world, role).get(f"/api/people/{world.person_a.pk}").json()
    assert body["may_edit"] is may_edit


# --- adding a person -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["no_role", "trainee", "regulator_county", "regulator_township_chem", "trainer"]
)
def test_only_enterprise_and_system_admins_may_add_people(world, role):
    response = send(client_as(world, role), "post", "/api/people", person_payload(world))
    assert response.status_code == 403
    assert not Person.objects.filter(name="王小明").exists()


def test_anonymous_cannot_add_people(world):
    assert send(Client(), "post", "/api/people", person_payload(world)).status_code == 401


def test_enterprise_admin_adds_a_person_to_their_enterprise(world):
    response = send(
        client_as(world, "enterprise_admin"), "post", "/api/people", person_payload(world)
    )
    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.employments.current().get().enterprise == world.ent_a
    assert body["id_number"] == person.id_number
    assert body["employments"][0]["department"] == "机修车间"
    assert audit_count("person.create", actor=world.enterprise_admin) == 1


def test_admin_of_one_enterprise_may_leave_the_enterprise_out(world):
    payload = person_payload(world)
    del payload["enterprise"]
    response = send(client_as(world, "enterprise_admin"), "post", "/api/people", payload)
    assert response.status_code == 201


def test_system_admin_adds_a_person_to_any_enterprise(world):
    payload = person_payload(world, enterprise=world.ent_other.uscc)
    response = send(client_as(world, "system_admin"), "post", "/api/people", payload)
    assert response.status_code == 201
    assert response.json()["employments"][0]["enterprise"]["uscc"] == world.ent_other.uscc


def test_system_admin_must_name_the_enterprise(world):
    payload = person_payload(world)
    del payload["enterprise"]
    response = send(client_as(world, "system_admin"), "post", "/api/people", payload)
    assert response.status_code == 403


def test_enterprise_admin_cannot_add_to_another_or_a_missing_enterprise_alike(world):
    client = client_as(world, "enterprise_admin")
    other = send(client, "post", "/api/people", person_payload(world, enterprise=world.ent_b.uscc))
    missing = send(client, "post", "/api/people", person_payload(world, enterprise=make_uscc(9998)))
    assert other.status_code == missing.status_code == 403
    assert other.json() == missing.json()
    assert not Person.objects.filter(name="王小明").exists()


def test_id_number_with_lower_case_x_is_accepted_and_stored_upper_case(world):
    id_number = next(n for n in (make_id_number(seq=s) for s in range(700, 800)) if n.endswith("X"))
    payload = person_payload(world, id_number=id_number.lower())
    response = send(client_as(world, "enterprise_admin"), "post", "/api/people", payload)
    assert response.status_code == 201
    assert response.json()["id_number"] == id_number


def test_adding_someone_already_on_the_roster_updates_and_answers_200(world):
    payload = person_payload(world, id_number=world.person_a.id_number, name=world.person_a.name)
    response = send(client_as(world, "enterprise_admin"), "post", "/api/people", payload)
    assert response.status_code == 200
    assert Employment.objects.filter(person=world.person_a).count() == 1


def test_invalid_person_is_422_with_one_message_per_field_and_nothing_written(world):
    payload = person_payload(world, id_number="110101199001011230", name="", phone="12345")
    payload["category"] = "pilot"
    response = send(client_as(world, "enterprise_admin"), "post", "/api/people", payload)
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["detail"]}
    assert fields == {"id_number", "name", "phone", "category"}
    assert Person.objects.count() == 4
    assert audit_count("person.create") == 0


def test_validation_messages_are_in_the_users_language(world):
    payload = person_payload(world, name="", id_number="123")
    client = client_as(world, "enterprise_admin")
    english = send(client, "post", "/api/people", payload, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = send(client, "post", "/api/people", payload, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    messages_en = {e["loc"][-1]: e["msg"] for e in english["detail"]}
    messages_zh = {e["loc"][-1]: e["msg"] for e in chinese["detail"]}
    assert messages_en["id_number"].startswith("An ID number has 18 characters")
    assert messages_en["name"] == "This field is required."
    with translation.override("zh-hans"):
        assert messages_zh["name"] == translation.gettext("This field is required.")


def test_missing_fields_are_422_in_the_users_language(world):
    client = client_as(world, "enterprise_admin")
    response = send(client, "post", "/api/people", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    messages = {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}
    assert messages == dict.fromkeys(["name", "id_number", "category"], "This field is required.")


def test_session_post_without_csrf_token_is_refused(world):
    client = client_as(world, "enterprise_admin", enforce_csrf_checks=True)
    response = send(client, "post", "/api/people", person_payload(world))
    assert response.status_code == 403
    assert not Person.objects.filter(name="王小明").exists()


def test_session_post_with_csrf_token_is_accepted(world):
    client = client_as(world, "enterprise_admin", enforce_csrf_checks=True)
    secret = "a" * CSRF_SECRET_LENGTH  # what a browser holds in the cookie and sends back
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = send(client, "post", "/api/people", person_payload(world), HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201


# --- changing a person ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "person"),
    [
        ("enterprise_admin", "person_a"),
        ("system_admin", "person_a"),
        ("system_admin", "person_other"),
    ],
)
def test_enterprise_admin_and_system_admin_change_a_person(world, role, person):
    target = getattr(world, person)
    response = send(client_as(world, role), "patch", f"/api/people/{target.pk}", {"post": "焊工"})
    assert response.status_code == 200
    assert target.employments.current().get().post == "焊工"
    assert response.json()["employments"][0]["post"] == "焊工"
    assert audit_count("person.update", actor=getattr(world, role)) == 1
    assert target.employments.current().get().events.filter(kind="changed").exists()


@pytest.mark.parametrize(
    ("role", "person"),
    [
        ("trainee", "person_a"),
        ("regulator_county", "person_a"),
        ("regulator_township_chem", "person_a_chem"),
        ("trainer", "person_b"),
    ],
)
def test_who_sees_but_does_not_administer_gets_403_on_change(world, role, person):
    target = getattr(world, person)
    response = send(client_as(world, role), "patch", f"/api/people/{target.pk}", {"post": "焊工"})
    assert response.status_code == 403
    assert target.employments.current().get().post == ""


@pytest.mark.parametrize(
    ("role", "person"),
    [
        ("no_role", "person_a"),
        ("trainee", "person_b"),
        ("enterprise_admin", "person_b"),
        ("regulator_county", "person_other"),
        ("regulator_township_chem", "person_a"),
        ("trainer", "person_a"),
    ],
)
def test_change_outside_the_scope_is_404(world, role, person):
    target = getattr(world, person)
    response = send(client_as(world, role), "patch", f"/api/people/{target.pk}", {"post": "焊工"})
    assert response.status_code == 404


def test_anonymous_cannot_change_a_person(world):
    response = send(Client(), "patch", f"/api/people/{world.person_a.pk}", {"post": "焊工"})
    assert response.status_code == 401


def test_change_of_name_writes_a_person_update_audit_row(world):
    client = client_as(world, "enterprise_admin")
    send(client, "patch", f"/api/people/{world.person_a.pk}", {"name": "张三丰"})
    world.person_a.refresh_from_db()
    assert world.person_a.name == "张三丰"
    assert audit_count("person.update", actor=world.enterprise_admin) == 1


def test_change_keeps_the_fields_not_sent(world):
    Employment.objects.filter(person=world.person_a).update(post="电工")
    client = client_as(world, "enterprise_admin")
    send(client, "patch", f"/api/people/{world.person_a.pk}", {"department": "一车间"})
    employment = world.person_a.employments.current().get()
    assert (employment.post, employment.department.name) == ("电工", "一车间")


def test_id_number_cannot_change(world):
    client = client_as(world, "enterprise_admin")
    payload = {"id_number": make_id_number(seq=702)}
    response = send(client, "patch", f"/api/people/{world.person_a.pk}", payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "id_number"]


def test_invalid_change_is_422_and_changes_nothing(world):
    client = client_as(world, "enterprise_admin")
    payload = {"post": "焊工", "hire_date": "2024-13-45"}
    response = send(client, "patch", f"/api/people/{world.person_a.pk}", payload)
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["hire_date"]
    assert world.person_a.employments.current().get().post == ""


def test_change_of_a_person_on_no_roster_is_409(world):
    employment_end(employment=world.person_b.employments.get(), on=LEFT_ON, actor=None)
    client = client_as(world, "system_admin")
    response = send(client, "patch", f"/api/people/{world.person_b.pk}", {"post": "焊工"})
    assert response.status_code == 409


# --- me ------------------------------------------------------------------------------------


def test_me_for_a_trainee_gives_their_person_masked(world):
    body = client_as(world, "trainee").get("/api/me").json()
    assert body["roles"] == []
    assert body["is_staff_scope"] is False
    assert body["person"]["id"] == world.person_a.pk
    assert body["person"]["id_number"] == mask_id_number(world.person_a.id_number)
    assert body["person"]["current"]["enterprise"]["uscc"] == world.ent_a.uscc


def test_me_for_an_enterprise_admin_names_the_enterprise(world):
    body = client_as(world, "enterprise_admin").get("/api/me").json()
    [grant] = body["roles"]
    assert grant["role"]["value"] == "enterprise_admin"
    assert grant["enterprise"] == {"uscc": world.ent_a.uscc, "name": world.ent_a.name}
    assert body["person"] is None


def test_me_for_a_regulator_gives_region_and_industries(world):
    body = client_as(world, "regulator_township_chem").get("/api/me").json()
    [grant] = body["roles"]
    assert grant["region"]["code"] == "990102001"
    assert grant["industries"] == ["03"]


@pytest.mark.parametrize(
    ("role", "roles", "admin"),
    [
        ("no_role", [], False),
        ("regulator_county", ["regulator"], False),
        ("trainer", ["trainer"], False),
        ("system_admin", [], True),
    ],
)
def test_me_lists_roles(world, role, roles, admin):
    body = client_as(world, role).get("/api/me").json()
    assert [g["role"]["value"] for g in body["roles"]] == roles
    assert body["is_system_admin"] is admin
    assert body["is_staff_scope"] is (bool(roles) or admin)


# --- schema --------------------------------------------------------------------------------


def test_schema_is_openapi_json_listing_the_roster_paths(world):
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"title", "version"} <= set(schema["info"])
    assert {
        "/api/enterprises",
        "/api/enterprises/{uscc}",
        "/api/people",
        "/api/people/{person_id}",
        "/api/me",
    } <= set(schema["paths"])
    assert {"get", "patch"} <= set(schema["paths"]["/api/people/{person_id}"])
    assert "post" in schema["paths"]["/api/people"]


def test_schema_documents_the_category_choices(world):
    schema = Client().get("/api/schema/").json()
    person_in = schema["components"]["schemas"]["PersonIn"]
    assert person_in["properties"]["category"]["enum"] == list(PersonnelCategory.values)


def test_schema_marks_the_required_person_fields(world):
    schema = Client().get("/api/schema/").json()
    person_in = schema["components"]["schemas"]["PersonIn"]
    assert set(person_in["required"]) == {"id_number", "name", "category"}
