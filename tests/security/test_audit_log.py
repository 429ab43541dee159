"""The audit log holds who signed in and out (and who failed to), accounts made at a first
sign-in, password changes, role grants given, changed and revoked, and signing keys put
into service, each with the actor and, where there is one, the client's address. The
changes the other apps make are audited beside them (their own tests check those rows)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from certificates.models import SigningKeyRecord
from certificates.services.keys import key_create
from roster.groups import TRAINERS_GROUP
from roster.models import AuditLog, RoleGrant, User
from roster.services.activation import activation_codes_issue

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456"  # tests.factories.UserFactory
ADDRESS = "10.1.2.3"


def sign_in(client, username, password):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ADDRESS,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def rows(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action).order_by("pk"))


def test_sign_in_and_sign_out_are_recorded_with_the_account_and_address(client, world):
    user = world.regulator_county
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR=ADDRESS)

    (login,) = rows("login")
    (logout,) = rows("logout")
    for row in (login, logout):
        assert row.actor == user
        assert (row.target_type, row.target_id) == ("roster.user", str(user.pk))
        assert row.ip == ADDRESS


def test_each_failed_sign_in_is_recorded_without_the_password(client, world):
    user = world.regulator_county
    sign_in(client, user.username, "wrong-secret")
    sign_in(client, "nobody-like-this", "wrong-secret")

    known, unknown = rows("login.failed")
    assert known.actor is None and known.target_id == str(user.pk) and known.ip == ADDRESS
    assert unknown.target_id == "" and unknown.data["login"] == "no********"
    for row in (known, unknown):
        assert "wrong-secret" not in f"{row.summary} {row.data}"
    assert not rows("login")


def test_a_first_sign_in_records_the_account_it_makes(client, world):
    person = world.person_b
    assert not User.objects.filter(person=person).exists()

    (issued,) = activation_codes_issue(actor=world.system_admin, people=[person])
    assert sign_in(client, person.id_number, issued.code).status_code == 302

    user = User.objects.get(person=person)
    (made,) = rows("account.create")
    assert made.target_id == str(user.pk) and made.data["person"] == person.pk
    # In the site's language, though the sign-in page was in English.
    assert made.summary == "首次使用激活码登录"
    assert rows("login")[0].actor == user


def test_a_password_change_is_recorded(client, world):
    user = world.regulator_county
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-pass-2026",
            "new_password2": "N3w-pass-2026",
        },
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302
    (changed,) = rows("password.change")
    assert changed.actor == user and changed.ip == ADDRESS
    assert "N3w-pass-2026" not in f"{changed.summary} {changed.data}"


def test_a_refused_password_change_records_nothing(client, world):
    client.force_login(world.regulator_county)
    client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "N3w-pass-2026",
            "new_password2": "N3w-pass-2026",
        },
    )
    assert not rows("password.change")


def test_role_grants_given_changed_and_revoked_are_recorded_with_the_admin(client, world):
    admin = world.system_admin
    client.force_login(admin)
    trainers = Group.objects.get(name=TRAINERS_GROUP)
    target = world.no_role

    client.post(
        "/admin/snippets/roster/rolegrant/add/",
        {
            "username": target.username,
            "role": "trainer",
            "region": world.township_b.pk,
            "training_body": world.trainer_body.pk,
        },
    )
    grant = RoleGrant.objects.get(user=target)
    assert trainers in target.groups.all()
    client.post(
        f"/admin/snippets/roster/rolegrant/edit/{grant.pk}/",
        {
            "username": target.username,
            "role": "trainer",
            "region": world.county.pk,
            "training_body": world.trainer_body.pk,
        },
    )
    client.post(f"/admin/snippets/roster/rolegrant/delete/{grant.pk}/")

    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    given, changed, revoked = rows("role.grant"), rows("role.change"), rows("role.revoke")
    assert [len(given), len(changed), len(revoked)] == [1, 1, 1]
    assert given[0].data["region"] == world.township_b.pk
    assert changed[0].data["region"] == world.county.pk
    assert revoked[0].ip is not None
    for row in (*given, *changed, *revoked):
        assert row.actor == admin
        assert row.target_id == str(grant.pk) and row.data["user"] == target.pk
        assert row.data["role"] == "trainer"
        assert row.summary == f"培训讲师：{target}", row.summary
    # The revoked trainer loses the admin screens the role gave.
    assert trainers not in User.objects.get(pk=target.pk).groups.all()


def test_a_new_signing_key_is_recorded_with_the_key_it_retires():
    first = key_create()
    second = key_create()

    made = rows("signing_key.create")
    assert [row.data["kid"] for row in made] == [first.kid, second.kid]
    assert made[0].data["retired"] == []
    assert made[1].data["retired"] == [first.kid]
    assert made[1].summary == f"自即日起由密钥 {second.kid} 签发"
    assert made[1].target_id == str(SigningKeyRecord.objects.get(kid=second.kid).pk)
    assert "PRIVATE" not in f"{made[1].summary} {made[1].data}"


# --------------------------------------------------------------------------- reading it


def test_the_system_admin_reads_the_log_and_inspects_a_row(client, world):
    client.force_login(world.system_admin)
    key_create()
    row = rows("signing_key.create")[0]

    listing = client.get("/admin/audit_log/", HTTP_ACCEPT_LANGUAGE="en")
    detail = client.get(f"/admin/audit_log/inspect/{row.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    # The action in the reader's language; the row keeps its code, which search finds.
    assert listing.status_code == 200 and "New certificate signing key" in listing.content.decode()
    assert detail.status_code == 200 and row.data["kid"] in detail.content.decode()
    assert "New certificate signing key" in detail.content.decode()
    filtered = client.get("/admin/audit_log/", {"q": "signing_key"})
    assert filtered.status_code == 200 and "启用新的证书签名密钥" in filtered.content.decode()


def test_nobody_can_add_change_or_delete_a_row_not_even_the_system_admin(client, world):
    client.force_login(world.system_admin)
    key_create()
    row = rows("signing_key.create")[0]
    before = list(AuditLog.objects.values_list("pk", "action", "summary"))

    for url in (
        "/admin/audit_log/new/",
        f"/admin/audit_log/edit/{row.pk}/",
        f"/admin/audit_log/delete/{row.pk}/",
    ):
        assert client.get(url).status_code in (302, 403), url
        assert client.post(url, {"summary": "rewritten"}).status_code in (302, 403), url

    assert list(AuditLog.objects.values_list("pk", "action", "summary")) == before


@pytest.mark.parametrize("role", ["regulator_county", "enterprise_admin", "trainer", "trainee"])
def test_other_roles_cannot_read_the_log(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get("/admin/audit_log/").status_code in (302, 403)


def test_the_listing_reads_the_actors_with_the_rows(client, world):
    client.force_login(world.system_admin)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/admin/audit_log/").status_code == 200
        return len(context)

    few = count_queries()
    for user in (world.regulator_county, world.enterprise_admin, world.trainer, world.trainee):
        Client().force_login(user)  # each sign-in is a row with its own actor
    assert count_queries() == few


def test_a_trainer_grant_moved_to_another_account_takes_the_admin_screens_along(client, world):
    client.force_login(world.system_admin)
    trainers = Group.objects.get(name=TRAINERS_GROUP)
    first, second = world.no_role, world.regulator_county
    client.post(
        "/admin/snippets/roster/rolegrant/add/",
        {
            "username": first.username,
            "role": "trainer",
            "region": world.township_b.pk,
            "training_body": world.trainer_body.pk,
        },
    )
    grant = RoleGrant.objects.get(user=first)

    client.post(
        f"/admin/snippets/roster/rolegrant/edit/{grant.pk}/",
        {
            "username": second.username,
            "role": "trainer",
            "region": world.township_b.pk,
            "training_body": world.trainer_body.pk,
        },
    )

    assert trainers not in User.objects.get(pk=first.pk).groups.all()
    assert trainers in User.objects.get(pk=second.pk).groups.all()
    (changed,) = rows("role.change")
    assert changed.data["user"] == second.pk
