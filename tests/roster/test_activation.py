"""First sign-in with a one-time activation code from the enterprise admin, instead of a
first password anyone who has seen a certificate could work out (the ID number's last six
characters): issuing (ownership, hashing, expiry, voiding), signing in (once, throttled,
the same hashing cost whatever the login names) and the roster pages that hand codes out."""

import datetime as dt
import io
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roster.models import ActivationCode, AuditLog, Person, User
from roster.services.activation import (
    ActivationError,
    activation_codes_issue,
    activation_sign_in,
)
from tests.factories import EmploymentFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qinghe-Safe-2025!"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the sign-in throttle counts in the cache
    yield
    cache.clear()


@pytest.fixture
def newcomer(world):
    """A person on ent_a's roster (admin_a's enterprise) with no account."""
    return EmploymentFactory(enterprise=world.ent_a, person__phone="13900990077").person


def issue(actor, *people, **kwargs) -> list[str]:
    return [item.code for item in activation_codes_issue(actor=actor, people=people, **kwargs)]


def sign_in(client: Client, login: str, secret: str):
    return client.post(reverse("login"), {"username": login, "password": secret})


def signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def writes() -> tuple[int, int, int]:
    return ActivationCode.objects.count(), AuditLog.objects.count(), User.objects.count()


# --------------------------------------------------------------------------- issuing


def test_an_admin_issues_a_code_that_is_kept_only_as_a_keyed_hash(world, newcomer, settings):
    settings.ROSTER_ACTIVATION_CODE_DAYS = 10
    before = timezone.now()
    (code,) = issue(world.enterprise_admin, newcomer)

    assert len(code) == 9 and code[4] == "-"
    row = ActivationCode.objects.get(person=newcomer)
    assert row.created_by == world.enterprise_admin and row.used_at is None
    assert dt.timedelta(days=10) <= row.expires_at - before < dt.timedelta(days=10, minutes=1)
    plain = code.replace("-", "")
    for value in (row.code_hash, *(str(r.data) + r.summary for r in AuditLog.objects.all())):
        assert plain not in value and code not in value
    (audit,) = AuditLog.objects.filter(action="activation_code.issue")
    assert (audit.actor, audit.target_id) == (world.enterprise_admin, str(newcomer.pk))


def test_an_admin_of_another_enterprise_gets_no_code_and_nothing_is_written(world, newcomer):
    before = writes()
    with pytest.raises(ActivationError):
        issue(world.enterprise_admin, newcomer, world.person_b)  # person_b works at ent_b
    assert writes() == before


def test_a_regulator_or_trainer_gets_no_code(world, newcomer):
    for actor in (world.regulator_county, world.trainer):
        with pytest.raises(ActivationError):
            issue(actor, newcomer)
    assert not ActivationCode.objects.exists()


def test_someone_who_has_left_the_enterprise_gets_no_code(world, newcomer):
    newcomer.employments.update(ended_on=timezone.localdate())
    with pytest.raises(ActivationError):
        issue(world.enterprise_admin, newcomer)
    assert not ActivationCode.objects.exists()


def test_someone_with_an_account_gets_no_code(world):
    with pytest.raises(ActivationError):
        issue(world.enterprise_admin, world.person_a)  # person_a signs in with a password
    assert not ActivationCode.objects.exists()


def test_the_system_admin_issues_for_anyone_employed(world, newcomer):
    codes = issue(world.system_admin, newcomer, world.person_b, world.person_other)
    assert len(codes) == 3 == ActivationCode.objects.count()


def test_a_new_code_voids_the_older_one(world, newcomer):
    (old,) = issue(world.enterprise_admin, newcomer)
    (new,) = issue(world.enterprise_admin, newcomer)
    assert sign_in(Client(), newcomer.id_number, old).status_code == 200
    assert sign_in(Client(), newcomer.id_number, new).status_code == 302
    assert ActivationCode.objects.filter(person=newcomer, voided_at__isnull=False).count() == 1


# --------------------------------------------------------------------------- signing in


def test_a_code_signs_in_once_and_forces_a_new_password(world, newcomer):
    (code,) = issue(world.enterprise_admin, newcomer)
    client = Client()
    assert sign_in(client, newcomer.id_number, code).status_code == 302
    user = signed_in_as(client)
    assert (user.person, user.must_change_password) == (newcomer, True)
    assert client.get("/").url == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()

    assert sign_in(Client(), newcomer.id_number, code).status_code == 200  # used up
    again = Client()
    assert sign_in(again, newcomer.id_number, NEW_PASSWORD).status_code == 302
    assert signed_in_as(again) == user


def test_a_used_code_fails_even_before_a_password_was_chosen(world, newcomer):
    (code,) = issue(world.enterprise_admin, newcomer)
    first = Client()
    assert sign_in(first, newcomer.id_number, code).status_code == 302
    first.logout()
    assert sign_in(Client(), newcomer.id_number, code).status_code == 200
    # A fresh code opens the same account again (it still has no password).
    (fresh,) = issue(world.enterprise_admin, newcomer)
    client = Client()
    assert sign_in(client, newcomer.id_number, fresh).status_code == 302
    assert User.objects.filter(person=newcomer).count() == 1


def test_the_code_may_be_typed_in_lower_case_with_spaces_and_by_phone(world, newcomer):
    (code,) = issue(world.enterprise_admin, newcomer)
    typed = " " + code.lower().replace("-", " ") + " "
    client = Client()
    assert sign_in(client, newcomer.phone, typed).status_code == 302
    assert signed_in_as(client).person == newcomer


def test_an_expired_code_fails(world, newcomer):
    (code,) = issue(world.enterprise_admin, newcomer, now=timezone.now() - dt.timedelta(days=15))
    assert sign_in(Client(), newcomer.id_number, code).status_code == 200
    assert not User.objects.filter(person=newcomer).exists()


def test_the_id_numbers_last_six_characters_no_longer_sign_anyone_in(world, newcomer):
    issue(world.enterprise_admin, newcomer)
    client = Client()
    assert sign_in(client, newcomer.id_number, newcomer.id_number[-6:]).status_code == 200
    assert signed_in_as(client) is None and not User.objects.filter(person=newcomer).exists()


def test_a_deactivated_account_is_not_opened_by_a_code(world, newcomer):
    (code,) = issue(world.enterprise_admin, newcomer)
    user = UserFactory(username=newcomer.id_number, person=newcomer, is_active=False)
    user.set_unusable_password()
    user.save()
    assert activation_sign_in(person=newcomer, user=user, code=code) is None
    assert ActivationCode.objects.get(person=newcomer).used_at is None


def test_wrong_codes_are_throttled_like_wrong_passwords(world, newcomer):
    (code,) = issue(world.enterprise_admin, newcomer)
    client = Client()
    # However many failures the lockout policy allows (roster.throttle), it comes.
    statuses = [sign_in(client, newcomer.id_number, "WRONG-CODE").status_code for _ in range(60)]
    assert 429 in statuses and set(statuses) <= {200, 429}
    # Locked: even the right code is refused, and it is not used up.
    response = sign_in(client, newcomer.id_number, code)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    assert ActivationCode.objects.get(person=newcomer).used_at is None
    assert AuditLog.objects.filter(action="login.locked").exists()


@contextmanager
def hasher_runs():
    """Counts the runs of the password hasher (the test settings' MD5 hasher)."""
    runs = []
    original = MD5PasswordHasher.encode

    def counted(self, password, salt):
        runs.append(1)
        return original(self, password, salt)

    with mock.patch.object(MD5PasswordHasher, "encode", counted):
        yield runs


def test_sign_in_runs_the_hasher_once_whatever_the_login_names(world, newcomer):
    issue(world.enterprise_admin, newcomer)
    without_code = EmploymentFactory(enterprise=world.ent_a).person
    cases = {
        "unknown login": ("nobody-like-this", "guess-123"),
        "unknown ID number": ("110101199003070011", "guess-123"),
        "roster person without account, wrong code": (newcomer.id_number, "ABCD-EFGH"),
        "roster person without account or code": (without_code.id_number, "ABCD-EFGH"),
        "person with account, wrong password": (world.person_a.id_number, "guess-123"),
        "staff account, wrong password": (world.enterprise_admin.username, "guess-123"),
    }
    counts = {}
    for name, (login, secret) in cases.items():
        cache.clear()
        with hasher_runs() as runs:
            assert sign_in(Client(), login, secret).status_code == 200, name
        counts[name] = len(runs)
    assert counts == dict.fromkeys(cases, 1)


def test_the_migration_voids_first_passwords_nobody_changed(world, newcomer):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("roster.migrations.0007_void_initial_passwords")
    stale = UserFactory(username=newcomer.id_number, person=newcomer, must_change_password=True)
    stale.set_password(newcomer.id_number[-6:])
    stale.save()
    migration.void(apps, None)
    stale.refresh_from_db()
    assert not stale.has_usable_password()
    world.trainee.refresh_from_db()
    assert world.trainee.check_password("pw-123456")  # a chosen password stays


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.enterprise_admin)
    return client


def test_the_roster_page_offers_codes_to_its_admin_only(world, newcomer, admin_client):
    page = admin_client.get(f"/roster/?enterprise={world.ent_a.uscc}").content.decode()
    assert reverse("roster:activation_codes") in page
    assert f'name="people" value="{newcomer.pk}"' in page
    assert "生成激活码" in page
    regulator = Client()
    regulator.force_login(world.regulator_county)
    assert reverse("roster:activation_codes") not in regulator.get("/roster/").content.decode()


def test_the_confirmation_lists_everyone_without_an_account(world, newcomer, admin_client):
    response = admin_client.get(
        reverse("roster:activation_codes"), {"enterprise": world.ent_a.uscc, "all": "1"}
    )
    page = response.content.decode()
    assert newcomer.name in page and newcomer.id_number_masked in page
    assert world.person_a.name not in page  # has an account
    assert newcomer.id_number not in page
    assert not ActivationCode.objects.exists()  # looking issues nothing


def test_issuing_prints_slips_whose_codes_sign_in(world, newcomer, admin_client):
    response = admin_client.post(
        reverse("roster:activation_codes"),
        {"enterprise": world.ent_a.uscc, "all": "1", "output": "sheet"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert newcomer.name in page and newcomer.id_number_masked in page
    assert newcomer.id_number not in page
    (slip,) = response.context["issued"]
    assert slip.code in page
    assert AuditLog.objects.filter(action="activation_code.print").count() == 1
    assert sign_in(Client(), newcomer.id_number, slip.code).status_code == 302


def test_issuing_as_a_workbook_writes_the_codes_once_and_audits_it(world, newcomer, admin_client):
    response = admin_client.post(
        reverse("roster:activation_codes"),
        {"people": [newcomer.pk], "output": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = [[cell.value for cell in r] for r in sheet.iter_rows()]
    assert header[:6] == ["姓名", "单位", "身份证号", "手机号", "登录名", "激活码"]
    assert (row[0], row[1], row[2]) == (newcomer.name, world.ent_a.name, newcomer.id_number_masked)
    (export,) = AuditLog.objects.filter(action="activation_code.export")
    assert export.actor == world.enterprise_admin and export.data["count"] == 1
    assert sign_in(Client(), newcomer.id_number, row[5]).status_code == 302


def test_a_post_naming_another_enterprises_person_issues_nothing(world, newcomer, admin_client):
    response = admin_client.post(
        reverse("roster:activation_codes"),
        {"people": [world.person_b.pk], "output": "sheet"},
    )
    assert response.status_code == 302
    assert not ActivationCode.objects.exists()
    assert not Person.objects.get(pk=world.person_b.pk).activation_codes.exists()


def test_the_sign_in_page_asks_for_the_code_not_id_digits(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "首次登录请输入单位发放的激活码" in page
    assert "初始密码" not in page
