"""Every roster page for every role (ARCHITECTURE.md rule 7), and signing in.

The pages read through the same selectors as the API; these tests check what actually
reaches the browser: status, which names are listed, masked ID numbers, audit rows.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from roster.choices import EmploymentStatus, PersonnelCategory
from roster.forms import LoginForm
from roster.models import AuditLog, Employment, Person, User
from roster.services import PersonData, employment_end, person_create_or_update
from roster.services.activation import activation_codes_issue
from tests.factories import EmploymentFactory, PersonFactory, UserFactory, make_id_number

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
SCOPE = {
    "enterprise_admin": {"ent_a"},
    "regulator_county": {"ent_a", "ent_a_chem", "ent_b"},
    "regulator_township_chem": {"ent_a_chem"},
    "trainer": {"ent_b"},
    "system_admin": set(ENTERPRISES),
}
STAFF = list(SCOPE)
PERSON_AT = {
    "ent_a": "person_a",
    "ent_a_chem": "person_a_chem",
    "ent_b": "person_b",
    "ent_other": "person_other",
}
FULL_ID = {
    "enterprise_admin": {"person_a"},
    "regulator_county": {"person_a", "person_a_chem", "person_b"},
    "regulator_township_chem": {"person_a_chem"},
    "trainer": set(),
    "system_admin": set(PERSON_AT.values()),
}
# Who administers whose roster (can_edit_person), among the people each role sees.
EDITS = {"enterprise_admin": {"person_a"}, "system_admin": set(PERSON_AT.values())}
PASSWORD = "pw-123456"


def client_as(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def page_urls(world) -> dict[str, str]:
    """Every roster page, with person_a / ent_a where a page needs an object."""
    pk = world.person_a.pk
    return {
        "list": reverse("roster:list"),
        "person_detail": reverse("roster:person_detail", args=[pk]),
        "person_create": reverse("roster:person_create"),
        "person_edit": reverse("roster:person_edit", args=[pk]),
        "person_status": reverse("roster:person_status", args=[pk]),
        "enterprise_list": reverse("roster:enterprise_list"),
        "enterprise_detail": reverse("roster:enterprise_detail", args=[world.ent_a.uscc]),
    }


PAGES = [
    "list",
    "person_detail",
    "person_create",
    "person_edit",
    "person_status",
    "enterprise_list",
    "enterprise_detail",
]


def person_form(world, **overrides) -> dict:
    return {
        "enterprise": world.ent_a.uscc,
        "name": "王小明",
        "id_number": make_id_number(seq=801),
        "phone": "13800138000",
        "department": "机修车间",
        "post": "低压电工作业",
        "category": PersonnelCategory.SPECIAL_OPERATOR,
        "employment_form": "regular",
        "hire_date": "2024-03-01",
        **overrides,
    }


def in_scope_people(world, role) -> set[Person]:
    return {getattr(world, PERSON_AT[key]) for key in SCOPE[role]}


# --- who gets in ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in_from_every_roster_page(world, method):
    client = Client()
    for page, url in page_urls(world).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, page
        assert response.url == f"{reverse('login')}?next={url}", page


@pytest.mark.parametrize("role", NON_STAFF)
def test_trainee_and_account_without_role_get_403_on_every_staff_page(world, role):
    client = client_as(world, role)
    statuses = {page: client.get(url).status_code for page, url in page_urls(world).items()}
    assert statuses == dict.fromkeys(PAGES, 403)


def test_trainee_gets_403_even_on_their_own_detail_page(world):
    url = reverse("roster:person_detail", args=[world.person_a.pk])
    assert client_as(world, "trainee").get(url).status_code == 403


# --- the roster list -----------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_roster_list_lists_exactly_the_people_in_scope(world, role):
    response = client_as(world, role).get(reverse("roster:list"))
    assert response.status_code == 200
    assert {e.person for e in response.context["page"]} == in_scope_people(world, role)


@pytest.mark.parametrize("role", STAFF)
def test_roster_list_shows_no_name_from_outside_the_scope(world, role):
    content = client_as(world, role).get(reverse("roster:list")).content.decode()
    outside = set(PERSON_AT.values()) - {PERSON_AT[key] for key in SCOPE[role]}
    for person in outside:
        assert getattr(world, person).name not in content


@pytest.mark.parametrize("role", STAFF)
def test_roster_list_shows_masked_id_numbers_only(world, role):
    content = client_as(world, role).get(reverse("roster:list")).content.decode()
    for person in in_scope_people(world, role):
        assert person.id_number_masked in content
        assert person.id_number not in content


def test_roster_list_writes_an_audit_row(world):
    client_as(world, "regulator_county").get(reverse("roster:list"), {"category": "general"})
    row = AuditLog.objects.get(action="roster.list")
    assert row.actor == world.regulator_county
    assert row.data == {"count": 3, "filters": {"category": "general"}}


def test_roster_list_enterprise_filter_outside_the_scope_shows_only_the_scope(world):
    response = client_as(world, "trainer").get(
        reverse("roster:list"), {"enterprise": world.ent_a.uscc}
    )
    assert {e.person for e in response.context["page"]} == {world.person_b}
    assert world.person_a.name not in response.content.decode()


def test_roster_list_search_cannot_find_someone_outside_the_scope(world):
    response = client_as(world, "trainer").get(
        reverse("roster:list"), {"q": world.person_a.id_number}
    )
    assert list(response.context["page"]) == []


def test_roster_list_page_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(30):
        EmploymentFactory(enterprise=world.ent_a)
    client = client_as(world, "system_admin")
    with django_assert_max_num_queries(15):
        response = client.get(reverse("roster:list"))
    assert response.context["page"].paginator.count == 34


# --- a person's page -----------------------------------------------------------------------


def person_page_statuses(world, role, name: str) -> dict[str, int]:
    """The status of one kind of person page for each person of the world, by enterprise."""
    client = client_as(world, role)
    return {
        key: client.get(reverse(name, args=[getattr(world, PERSON_AT[key]).pk])).status_code
        for key in ENTERPRISES
    }


@pytest.mark.parametrize("role", STAFF)
def test_person_detail_is_found_in_scope_and_404_outside(world, role):
    statuses = person_page_statuses(world, role, "roster:person_detail")
    assert statuses == {key: 200 if key in SCOPE[role] else 404 for key in ENTERPRISES}


def test_person_detail_missing_and_out_of_scope_look_the_same(world):
    client = client_as(world, "trainer")
    outside = client.get(reverse("roster:person_detail", args=[world.person_a.pk]))
    missing = client.get(reverse("roster:person_detail", args=[999999]))
    assert outside.status_code == missing.status_code == 404


def in_scope_person_keys(role) -> list[str]:
    return [PERSON_AT[key] for key in ENTERPRISES if key in SCOPE[role]]


@pytest.mark.parametrize("role", STAFF)
def test_person_detail_shows_the_masked_id_number_without_reveal(world, role):
    client = client_as(world, role)
    for person in in_scope_person_keys(role):
        target = getattr(world, person)
        content = client.get(reverse("roster:person_detail", args=[target.pk])).content.decode()
        assert target.id_number_masked in content, person
        assert target.id_number not in content, person


@pytest.mark.parametrize("role", STAFF)
def test_reveal_shows_the_full_id_number_only_to_those_allowed(world, role):
    client = client_as(world, role)
    shown = {}
    for person in in_scope_person_keys(role):
        target = getattr(world, person)
        url = reverse("roster:person_detail", args=[target.pk])
        shown[person] = target.id_number in client.get(url, {"reveal": "1"}).content.decode()
    assert shown == {person: person in FULL_ID[role] for person in in_scope_person_keys(role)}


@pytest.mark.parametrize("role", STAFF)
def test_reveal_writes_a_reveal_audit_row_only_when_it_reveals(world, role):
    client = client_as(world, role)
    for person in in_scope_person_keys(role):
        target = getattr(world, person)
        client.get(reverse("roster:person_detail", args=[target.pk]), {"reveal": "1"})
        row = AuditLog.objects.get(target_type="roster.person", target_id=str(target.pk))
        assert row.actor == getattr(world, role)
        expected = "person.reveal_id" if person in FULL_ID[role] else "person.view"
        assert row.action == expected, person


def test_person_detail_without_reveal_writes_a_view_audit_row(world):
    client_as(world, "enterprise_admin").get(
        reverse("roster:person_detail", args=[world.person_a.pk])
    )
    assert AuditLog.objects.exclude(action="login").get().action == "person.view"


def test_person_detail_404_writes_no_audit_row(world):
    client_as(world, "trainer").get(
        reverse("roster:person_detail", args=[world.person_a.pk]), {"reveal": "1"}
    )
    assert not AuditLog.objects.exclude(action="login").exists()  # signing in is audited


def test_staff_of_a_former_employer_do_not_see_the_new_employer_on_the_page(world):
    person_create_or_update(
        data=PersonData(
            id_number=world.person_b.id_number,
            name=world.person_b.name,
            enterprise=world.ent_other,
            category=PersonnelCategory.GENERAL,
        ),
        actor=None,
    )
    response = client_as(world, "trainer").get(
        reverse("roster:person_detail", args=[world.person_b.pk])
    )
    assert response.status_code == 200
    assert world.ent_other.name not in response.content.decode()


def test_person_detail_hides_the_birth_date_from_who_may_not_see_the_full_id(world):
    content = (
        client_as(world, "trainer")
        .get(reverse("roster:person_detail", args=[world.person_b.pk]))
        .content.decode()
    )
    assert world.person_b.birth_date.isoformat() not in content


# --- adding a person -----------------------------------------------------------------------


def test_enterprise_admin_opens_the_add_form_for_their_enterprise(world):
    response = client_as(world, "enterprise_admin").get(reverse("roster:person_create"))
    assert response.status_code == 200
    assert response.context["enterprise"] == world.ent_a


def test_system_admin_opens_the_add_form_for_a_named_enterprise(world):
    response = client_as(world, "system_admin").get(
        reverse("roster:person_create"), {"enterprise": world.ent_other.uscc}
    )
    assert response.status_code == 200
    assert response.context["enterprise"] == world.ent_other


def test_system_admin_without_a_named_enterprise_gets_403(world):
    response = client_as(world, "system_admin").get(reverse("roster:person_create"))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["regulator_county", "regulator_township_chem", "trainer"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_regulators_and_trainers_cannot_add_people(world, role, method):
    client = client_as(world, role)
    response = getattr(client, method)(reverse("roster:person_create"), person_form(world))
    assert response.status_code == 403
    assert not Person.objects.filter(name="王小明").exists()


def test_enterprise_admin_adds_a_person(world):
    response = client_as(world, "enterprise_admin").post(
        reverse("roster:person_create"), person_form(world)
    )
    person = Person.objects.get(name="王小明")
    assert response.status_code == 302
    assert response.url == reverse("roster:person_detail", args=[person.pk])
    assert person.employments.current().get().enterprise == world.ent_a
    assert AuditLog.objects.filter(action="person.create", actor=world.enterprise_admin).exists()


def test_enterprise_admin_cannot_add_to_another_enterprise(world):
    response = client_as(world, "enterprise_admin").post(
        reverse("roster:person_create"), person_form(world, enterprise=world.ent_b.uscc)
    )
    assert response.status_code == 403
    assert not Person.objects.filter(name="王小明").exists()


def test_add_with_a_bad_id_number_shows_the_error_and_writes_nothing(world):
    response = client_as(world, "enterprise_admin").post(
        reverse("roster:person_create"), person_form(world, id_number="110101199001011230")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert not Person.objects.filter(name="王小明").exists()


# --- editing a person ----------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_edit_page_opens_only_for_who_administers_the_person(world, role):
    def expected(key):
        if key not in SCOPE[role]:
            return 404  # outside the scope: as if it did not exist
        return 200 if PERSON_AT[key] in EDITS.get(role, set()) else 403

    statuses = person_page_statuses(world, role, "roster:person_edit")
    assert statuses == {key: expected(key) for key in ENTERPRISES}


def test_enterprise_admin_edits_a_person(world):
    data = person_form(world, id_number=world.person_a.id_number, name="张三丰", post="焊工")
    response = client_as(world, "enterprise_admin").post(
        reverse("roster:person_edit", args=[world.person_a.pk]), data
    )
    assert response.status_code == 302
    world.person_a.refresh_from_db()
    assert world.person_a.name == "张三丰"
    assert world.person_a.employments.current().get().post == "焊工"


def test_edit_cannot_change_the_id_number(world):
    data = person_form(world, id_number=make_id_number(seq=802), name="张三丰")
    response = client_as(world, "enterprise_admin").post(
        reverse("roster:person_edit", args=[world.person_a.pk]), data
    )
    assert response.status_code == 302
    assert (
        "id_number"
        not in client_as(world, "enterprise_admin")
        .get(reverse("roster:person_edit", args=[world.person_a.pk]))
        .context["form"]
        .fields
    )
    assert Person.objects.filter(
        pk=world.person_a.pk, id_number=world.person_a.id_number, name="张三丰"
    ).exists()
    assert not Person.objects.filter(id_number=make_id_number(seq=802)).exists()


@pytest.mark.parametrize("role", ["regulator_county", "trainer"])
def test_edit_post_by_who_only_sees_is_refused_and_changes_nothing(world, role):
    target = world.person_b
    data = person_form(world, id_number=target.id_number, name="改名")
    response = client_as(world, role).post(reverse("roster:person_edit", args=[target.pk]), data)
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.name != "改名"


def test_edit_page_of_a_person_on_no_roster_does_not_crash(world):
    employment_end(employment=world.person_b.employments.get(), on=dt.date(2025, 6, 30), actor=None)
    response = client_as(world, "system_admin").get(
        reverse("roster:person_edit", args=[world.person_b.pk])
    )
    assert response.status_code in (404, 409)


def test_edit_page_showing_the_full_id_number_is_audited(world):
    client_as(world, "enterprise_admin").get(
        reverse("roster:person_edit", args=[world.person_a.pk])
    )
    assert AuditLog.objects.filter(target_id=str(world.person_a.pk)).exists()


# --- changing the status -------------------------------------------------------------------


def status_form(**overrides) -> dict:
    return {
        "status": EmploymentStatus.OFF_POST,
        "effective_on": "2025-01-02",
        "reason": "病假",
        **overrides,
    }


def test_enterprise_admin_changes_the_status(world):
    response = client_as(world, "enterprise_admin").post(
        reverse("roster:person_status", args=[world.person_a.pk]), status_form()
    )
    assert response.status_code == 302
    assert world.person_a.employments.current().get().status == EmploymentStatus.OFF_POST
    (row,) = AuditLog.objects.filter(action="employment.status", actor=world.enterprise_admin)
    assert row.summary == "在岗 → 离岗"


@pytest.mark.parametrize(
    ("role", "person", "status"),
    [
        ("regulator_county", "person_a", 403),
        ("regulator_township_chem", "person_a_chem", 403),
        ("trainer", "person_b", 403),
        ("enterprise_admin", "person_b", 404),
        ("regulator_township_chem", "person_a", 404),
        ("trainer", "person_a", 404),
    ],
)
def test_status_change_by_who_does_not_administer_is_refused(world, role, person, status):
    target = getattr(world, person)
    response = client_as(world, role).post(
        reverse("roster:person_status", args=[target.pk]), status_form()
    )
    assert response.status_code == status
    assert Employment.objects.get(person=target).status == EmploymentStatus.ON_POST


def test_status_change_with_a_bad_date_changes_nothing(world):
    client_as(world, "enterprise_admin").post(
        reverse("roster:person_status", args=[world.person_a.pk]), status_form(effective_on="x")
    )
    assert world.person_a.employments.current().get().status == EmploymentStatus.ON_POST


# --- enterprises ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_enterprise_list_lists_exactly_the_scope(world, role):
    response = client_as(world, role).get(reverse("roster:enterprise_list"))
    assert response.status_code == 200
    assert {e.name for e in response.context["page"]} == {
        getattr(world, key).name for key in SCOPE[role]
    }


@pytest.mark.parametrize("role", STAFF)
def test_enterprise_list_shows_no_enterprise_from_outside_the_scope(world, role):
    content = client_as(world, role).get(reverse("roster:enterprise_list")).content.decode()
    for key in set(ENTERPRISES) - SCOPE[role]:
        assert getattr(world, key).name not in content


def test_enterprise_list_region_filter_outside_the_scope_is_empty(world):
    response = client_as(world, "trainer").get(
        reverse("roster:enterprise_list"), {"region": "990102001"}
    )
    assert list(response.context["page"]) == []


def test_enterprise_list_page_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(20):
        EmploymentFactory(enterprise=world.ent_b)
    client = client_as(world, "system_admin")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("roster:enterprise_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", STAFF)
def test_enterprise_detail_is_found_in_scope_and_404_outside(world, role):
    client = client_as(world, role)
    statuses = {}
    for key in ENTERPRISES:
        url = reverse("roster:enterprise_detail", args=[getattr(world, key).uscc])
        statuses[key] = client.get(url).status_code
    assert statuses == {key: 200 if key in SCOPE[role] else 404 for key in ENTERPRISES}


# --- signing in ----------------------------------------------------------------------------


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_trainee_signs_in_with_their_id_number(world):
    client = Client()
    response = sign_in(client, world.person_a.id_number, PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == world.trainee


def test_id_number_with_a_lower_case_x_signs_in(world):
    id_number = next(n for n in (make_id_number(seq=s) for s in range(800, 900)) if n.endswith("X"))
    user = UserFactory(username=id_number, person=PersonFactory(id_number=id_number))
    client = Client()
    sign_in(client, id_number.lower(), PASSWORD)
    assert signed_in_as(client) == user


def test_trainee_signs_in_with_their_phone(world):
    Person.objects.filter(pk=world.person_a.pk).update(phone="13800138000")
    client = Client()
    sign_in(client, "138 0013 8000", PASSWORD)
    assert signed_in_as(client) == world.trainee


def test_a_phone_shared_by_two_people_cannot_sign_in(world):
    Person.objects.filter(pk__in=[world.person_a.pk, world.person_b.pk]).update(phone="13800138000")
    client = Client()
    response = sign_in(client, "13800138000", PASSWORD)
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_staff_sign_in_with_their_username(world):
    client = Client()
    sign_in(client, "regulator_county", PASSWORD)
    assert signed_in_as(client) == world.regulator_county


def test_wrong_password_fails_with_the_forms_message(world):
    client = Client()
    response = sign_in(client, world.person_a.id_number, "wrong-password")
    assert response.status_code == 200
    assert signed_in_as(client) is None
    with translation.override("zh-hans"):
        message = str(LoginForm.error_messages["invalid_login"])
    assert escape(message) in response.content.decode()


def activation_code(world, person) -> str:
    """A first sign-in code for the person, as their admin's printed slip shows it."""
    (issued,) = activation_codes_issue(actor=world.system_admin, people=[person])
    return issued.code


def test_first_sign_in_with_an_activation_code_creates_the_account(world):
    person = world.person_b
    client = Client()
    response = sign_in(client, person.id_number, activation_code(world, person))
    assert response.status_code == 302
    user = signed_in_as(client)
    assert (user.person, user.must_change_password) == (person, True)
    assert not user.has_usable_password()


def test_first_sign_in_with_another_password_creates_nothing(world):
    person = world.person_b
    activation_code(world, person)
    client = Client()
    sign_in(client, person.id_number, "not-the-code")
    sign_in(client, person.id_number, person.id_number[-6:])  # the old initial password
    assert signed_in_as(client) is None
    assert not User.objects.filter(person=person).exists()


@pytest.mark.parametrize("url", ["/", "/roster/"])
def test_after_a_first_sign_in_every_page_leads_to_password_change(world, url):
    client = Client()
    sign_in(client, world.person_b.id_number, activation_code(world, world.person_b))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("password_change")


def test_after_a_first_sign_in_the_api_answers_json_asking_for_a_new_password(world):
    client = Client()
    sign_in(client, world.person_b.id_number, activation_code(world, world.person_b))
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_after_changing_the_password_pages_open_again(world):
    person = world.person_b
    client = Client()
    sign_in(client, person.id_number, activation_code(world, person))
    # No old password to give: the account was made with a code, not a password.
    assert "old_password" not in client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {"new_password1": "Qinghe-Safe-2025!", "new_password2": "Qinghe-Safe-2025!"},
    )
    assert response.status_code == 302
    assert signed_in_as(client).must_change_password is False
    assert client.get("/").status_code == 200
