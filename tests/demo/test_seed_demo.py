"""seed_demo: the fictional county loads, covers every category and form, its logins work,
and a second run changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo import roster as demo
from roster.choices import EmploymentForm, EmploymentStatus, PersonnelCategory
from roster.identity import parse_id_number, validate_uscc
from roster.models import (
    AuditLog,
    Department,
    Employment,
    EmploymentEvent,
    Enterprise,
    Person,
    Region,
    RoleGrant,
    User,
)
from roster.selectors import enterprise_list, user_scope

pytestmark = pytest.mark.django_db

MODELS = (Region, Enterprise, Department, Person, Employment, EmploymentEvent, User, RoleGrant)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    counts = {m.__name__: m.objects.count() for m in MODELS}
    counts["AuditLog"] = AuditLog.objects.count()
    counts["grant industries"] = RoleGrant.industries.through.objects.count()
    return counts


def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert Person.objects.count() == 0


def test_seed_covers_every_category_form_and_status(demo_county):
    output = demo_county

    # Regions: the fictional province, city, two counties and their townships.
    county = Region.objects.get(code="990102")
    assert county.name == "清河县"
    assert Region.objects.filter(parent=county).count() in (5, 6)
    assert Region.objects.filter(parent__code="990103").count() in (1, 2)

    enterprises = Enterprise.objects.all()
    assert enterprises.count() >= 12
    for enterprise in enterprises:
        assert validate_uscc(enterprise.uscc) == enterprise.uscc
    industries = set(enterprises.values_list("industry__code", flat=True))
    assert {"01", "02", "03", "04", "05", "06", "07", "08", "09"} <= industries

    people = Person.objects.all()
    assert 300 <= people.count() <= 400
    for person in people:
        parsed = parse_id_number(person.id_number)
        assert person.id_number[:6] in ("990102", "990103")
        assert 1965 <= parsed.birth_date.year <= 2003
        assert (parsed.sex, parsed.birth_date) == (person.sex, person.birth_date)

    current = Employment.objects.current()
    assert set(current.values_list("category", flat=True)) == set(PersonnelCategory.values)
    assert set(current.values_list("employment_form", flat=True)) == set(EmploymentForm.values)
    statuses = set(current.values_list("status", flat=True))
    assert {EmploymentStatus.ON_POST, EmploymentStatus.OFF_POST, EmploymentStatus.TRANSFERRED} <= (
        statuses
    )
    # Construction's three types of personnel are in the construction company.
    construction = current.filter(category__startswith="construction_")
    assert set(construction.values_list("enterprise__industry__code", flat=True)) == {"06"}
    posts = set(current.values_list("post", flat=True))
    assert {"低压电工作业", "熔化焊接与热切割作业", "登高架设作业", "制冷与空调作业"} <= posts
    # Every enterprise but the regulator's own office has a principal and a safety manager.
    for enterprise in enterprises.exclude(industry__code="99"):
        cats = set(current.filter(enterprise=enterprise).values_list("category", flat=True))
        assert cats & {PersonnelCategory.PRINCIPAL, PersonnelCategory.CONSTRUCTION_A}, enterprise
        assert cats & {PersonnelCategory.SAFETY_MANAGER, PersonnelCategory.CONSTRUCTION_C3}

    # Some people moved to another enterprise; the former stint is kept.
    movers = Employment.objects.filter(ended_on__isnull=False)
    assert movers.count() >= 3
    for former in movers:
        now = Employment.objects.current().get(person=former.person)
        assert now.enterprise_id != former.enterprise_id
        assert former.status == EmploymentStatus.LEFT

    # The logins table is printed with every demo login.
    for login in demo.LOGINS:
        assert login.username in output
    assert demo.DEMO_PASSWORD in output


def test_every_demo_login_signs_in(demo_county, client):
    for login in demo.LOGINS:
        assert client.login(username=login.username, password=demo.DEMO_PASSWORD), login
        response = client.get("/")
        assert response.status_code == 200, login.username
        client.logout()
    # Trainees may use their phone number as well.
    assert client.login(username=demo.TRAINEE_1.phone, password=demo.DEMO_PASSWORD)
    # The system admin opens the Wagtail admin.
    client.logout()
    assert client.login(username="admin", password=demo.DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_roles_see_what_the_table_says(demo_county):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff

    ent_admin = User.objects.get(username="ent_admin")
    assert list(enterprise_list(user=ent_admin)) == [
        Enterprise.objects.get(uscc=demo.uscc_of(demo.ENTERPRISE_ADMIN_OF))
    ]

    county = User.objects.get(username="county_reg")
    seen = enterprise_list(user=county)
    assert seen.count() == Enterprise.objects.filter(region__path__contains="/990102/").count()
    assert not seen.filter(region__path__contains="/990103/").exists()

    town = User.objects.get(username="town_reg")
    town_seen = enterprise_list(user=town)
    assert set(town_seen.values_list("industry__code", flat=True)) == {"02", "03"}
    assert set(town_seen.values_list("region__code", flat=True)) == {"990102003"}
    # The machine works in the same township is outside the grant's industries.
    same_township = Enterprise.objects.filter(region__code="990102003")
    assert same_township.count() > town_seen.count()

    trainer = User.objects.get(username="trainer")
    assert user_scope(trainer).is_staff_scope

    for trainee in demo.FIXED_PEOPLE:
        user = User.objects.get(username=trainee.id_number)
        assert user.person.id_number == trainee.id_number
        assert user.must_change_password is False
        assert not user_scope(user).is_staff_scope


def test_second_run_changes_nothing(demo_county):
    before = _counts()
    snapshot = sorted(
        Employment.objects.values_list(
            "person__id_number",
            "enterprise__uscc",
            "category",
            "employment_form",
            "status",
            "post",
            "hire_date",
            "ended_on",
        )
    )
    password_hashes = dict(User.objects.values_list("username", "password"))
    output = _seed()
    assert _counts() == before
    assert (
        sorted(
            Employment.objects.values_list(
                "person__id_number",
                "enterprise__uscc",
                "category",
                "employment_form",
                "status",
                "post",
                "hire_date",
                "ended_on",
            )
        )
        == snapshot
    )
    assert dict(User.objects.values_list("username", "password")) == password_hashes
    assert "nothing to change" in output


@pytest.mark.django_db(databases=[])
def test_readme_lists_the_same_demo_logins():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for login in demo.LOGINS:
        row = f"| {login.role} | `{login.username}` | `{demo.DEMO_PASSWORD}` | {login.sees} |"
        assert row in readme, row


def test_seed_demo_prints_first_sign_in_codes_that_work(demo_county, client):
    output = demo_county
    assert "初始" not in output and "last six" not in output
    rows = output.split("shown only this once):", 1)[1].strip().splitlines()[1:]
    rows = [row.split() for row in rows if row.strip()][: demo.DEMO_ACTIVATION_PEOPLE]
    assert len(rows) == demo.DEMO_ACTIVATION_PEOPLE
    name, login, code = rows[0][:3]
    person = Person.objects.get(id_number=login)
    assert person.name == name and not User.objects.filter(person=person).exists()
    response = client.post("/accounts/login/", {"username": login, "password": code})
    assert response.status_code == 302
    assert User.objects.get(person=person).must_change_password is True
