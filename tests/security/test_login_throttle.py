"""Failed sign-ins are limited per account and per client address (roster.throttle).

Through the real pages: the sign-in page, the Wagtail admin's login and Wagtail's page-privacy
login all go through the same backend, so none of them is a way around the limit."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from roster import throttle
from roster.models import AuditLog
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PASSWORD = "pw-123456"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE = {
        "ACCOUNT_FAILURES": 5,
        "ADDRESS_FAILURES": 20,
        "WINDOW_SECONDS": 900,
        "LOCK_SECONDS": 900,
    }
    return settings.LOGIN_THROTTLE


def sign_in(client, username, password, path=LOGIN, address="10.0.0.1", **extra):
    return client.post(
        path,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


class RecordingCache:
    """The real cache, noting every key the throttle asks it for (whatever the backend)."""

    def __init__(self, real, keys):
        self._real, self._keys = real, keys

    def __getattr__(self, name):
        operation = getattr(self._real, name)

        def recorded(key, *args, **kwargs):
            self._keys.append(key)
            return operation(key, *args, **kwargs)

        return recorded


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, world, limits):
    for _ in range(4):
        response = sign_in(client, "regulator_county", "wrong")
        assert response.status_code == 200
        assert "The account or password is not right" in response.content.decode()

    fifth = sign_in(client, "regulator_county", "wrong")
    right = sign_in(client, "regulator_county", PASSWORD)

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert "Too many failed sign-ins" in right.content.decode()
    assert "15 minutes" in right.content.decode()
    assert 0 < int(right["Retry-After"]) <= 900
    assert not signed_in(client)
    # The page is the normal sign-in form, with the reason, so the person can wait and retry.
    assert right.templates[0].name == "registration/login.html"


def test_the_lockout_is_audited_once_without_any_password(client, world, limits):
    for _ in range(7):
        sign_in(client, "regulator_county", "secret-guess-1")

    rows = list(AuditLog.objects.filter(action="login.locked"))
    assert len(rows) == 1
    row = rows[0]
    assert row.target_type == "roster.user"
    assert row.target_id == str(world.regulator_county.pk)
    assert row.ip == "10.0.0.1"
    assert row.data["scope"] == "account"
    assert row.data["failures"] == 5
    assert row.summary == "该账号登录失败 5 次"
    assert "secret-guess-1" not in str(row.data) + row.summary


def test_a_trainee_is_one_account_whether_by_id_number_phone_or_lower_case(client, world, limits):
    person = world.person_a
    person.phone = "13900990001"
    person.save(update_fields=["phone"])
    logins = [person.id_number, person.phone, person.id_number.lower(), f" {person.phone} "]
    for login in [*logins, person.id_number]:
        sign_in(client, login, "wrong")

    response = sign_in(client, person.phone, PASSWORD)

    assert response.status_code == 429
    locked = AuditLog.objects.get(action="login.locked")
    assert locked.target_id == str(world.trainee.pk)


def test_cache_keys_never_carry_an_id_number_or_phone(client, world, limits, monkeypatch):
    person = world.person_a
    person.phone = "13900990001"
    person.save(update_fields=["phone"])
    keys = []
    monkeypatch.setattr(throttle, "cache", RecordingCache(cache, keys))
    for login in [person.id_number, person.phone] * 3:
        sign_in(client, login, "wrong")

    assert any(key.startswith("login-throttle:lock-account:") for key in keys)
    assert not any(person.id_number in key or person.phone in key for key in keys)


def test_a_success_clears_the_account_count(client, world, limits):
    for _ in range(4):
        sign_in(client, "regulator_county", "wrong")
    assert sign_in(client, "regulator_county", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "regulator_county", "wrong").status_code == 200

    assert sign_in(client, "regulator_county", PASSWORD).status_code == 302
    assert not AuditLog.objects.filter(action="login.locked").exists()


def test_unknown_accounts_lock_the_same_way(client, world, limits):
    responses = [sign_in(client, "no-such-user", "wrong") for _ in range(6)]

    assert [r.status_code for r in responses] == [200] * 4 + [429] * 2
    row = AuditLog.objects.get(action="login.locked")
    assert row.target_type == ""
    assert row.data["login"] == "no********"  # a hint, never the whole string


def test_an_address_is_locked_after_twenty_failures_whatever_the_accounts(client, world, limits):
    for n in range(20):
        sign_in(client, f"guess-{n}", "wrong", address="10.0.0.9")

    blocked = sign_in(client, "regulator_county", PASSWORD, address="10.0.0.9")
    elsewhere = sign_in(client, "regulator_county", PASSWORD, address="10.0.0.10")

    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.content.decode()
    assert elsewhere.status_code == 302
    row = AuditLog.objects.get(action="login.locked", data__scope="address")
    assert row.ip == "10.0.0.9"
    assert row.target_type == ""


def test_a_success_does_not_reset_the_address_count(client, world, limits):
    for n in range(19):
        sign_in(client, f"guess-{n}", "wrong")
    assert sign_in(client, "regulator_county", PASSWORD).status_code == 302
    client.logout()

    assert sign_in(client, "guess-x", "wrong").status_code == 429
    assert sign_in(client, "trainer_b", PASSWORD).status_code == 429


def test_the_lock_lifts_after_its_time(client, world, settings):
    settings.LOGIN_THROTTLE = {"ACCOUNT_FAILURES": 2, "LOCK_SECONDS": 1}
    sign_in(client, "regulator_county", "wrong")
    assert sign_in(client, "regulator_county", "wrong").status_code == 429

    time.sleep(1.2)

    assert sign_in(client, "regulator_county", PASSWORD).status_code == 302


def test_forwarded_addresses_count_only_behind_trusted_proxies(client, world, limits, settings):
    settings.LOGIN_THROTTLE = {**limits, "ADDRESS_FAILURES": 3}
    # Without a trusted proxy, X-Forwarded-For is the client's word: ignored.
    for n in range(3):
        sign_in(client, f"g{n}", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")
    assert sign_in(client, "g9", "wrong", address="10.0.0.1").status_code == 429

    cache.clear()
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        sign_in(
            client, f"h{n}", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.6, 2.2.2.{n}"
        )
    # Three clients behind the same proxy: none is locked by the others.
    assert (
        sign_in(
            client, "h9", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 2.2.2.7"
        ).status_code
        == 200
    )
    for _ in range(2):
        sign_in(client, "h9", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.7")
    locked = AuditLog.objects.filter(action="login.locked", data__scope="address")
    assert sorted(locked.values_list("ip", flat=True)) == ["10.0.0.1", "2.2.2.7"]


def test_the_message_is_in_chinese_by_default(client, world, limits):
    for _ in range(5):
        client.post(LOGIN, {"username": "regulator_county", "password": "wrong"})
    with translation.override("zh-hans"):
        response = client.post(
            LOGIN, {"username": "regulator_county", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE=""
        )

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_the_wagtail_admin_login_is_throttled_too(client, world, limits):
    admin_login = reverse("wagtailadmin_login")
    for _ in range(4):
        assert sign_in(client, "sysadmin", "wrong", path=admin_login).status_code == 200
    assert sign_in(client, "sysadmin", "wrong", path=admin_login).status_code == 429

    response = sign_in(client, "sysadmin", PASSWORD, path=admin_login)

    # Answered as the site's sign-in answers: Wagtail's form with the reason, as 429.
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    assert "Too many failed sign-ins" in response.content.decode()
    assert response.templates[0].name == "wagtailadmin/login.html"
    assert not signed_in(client)


def test_the_admin_login_still_signs_in(client, world, limits):
    response = sign_in(client, "sysadmin", PASSWORD, path=reverse("wagtailadmin_login"))

    assert response.status_code == 302
    assert signed_in(client)


def test_a_stranger_elsewhere_cannot_keep_a_candidate_out(client, world, limits):
    """Five wrong passwords for a candidate's ID number from a stranger's phone lock that
    phone out of the account, not the candidate at the exam room's computer."""
    person = world.person_a
    for _ in range(6):
        stranger = sign_in(client, person.id_number, "guess", address="203.0.113.7")
    assert stranger.status_code == 429

    candidate = sign_in(client, person.id_number, PASSWORD, address="10.0.0.1")

    assert candidate.status_code == 302
    assert signed_in(client)


def test_guessing_from_many_addresses_locks_the_account_everywhere(client, world, limits):
    limits["ACCOUNT_TOTAL_FAILURES"] = 50
    for n in range(10):  # 5 from each of ten addresses: none of them reaches its own limit
        for _ in range(5):
            sign_in(client, "regulator_county", "wrong", address=f"198.51.100.{n}")

    fresh = sign_in(client, "regulator_county", PASSWORD, address="10.9.9.9")

    assert fresh.status_code == 429
    assert not signed_in(client)
    rows = AuditLog.objects.filter(action="login.locked", data__scope="account_all")
    assert rows.count() == 1
    assert rows.get().data["failures"] == 50
    assert rows.get().target_id == str(world.regulator_county.pk)


def test_the_page_privacy_login_is_throttled_too(client, world, limits):
    for _ in range(5):
        sign_in(client, "sysadmin", "wrong")
    response = sign_in(client, "sysadmin", PASSWORD, path=reverse("wagtailcore_login"))

    assert not signed_in(client)
    assert response.status_code in (200, 429)


def test_an_inactive_account_counts_as_a_failure_but_never_signs_in(client, world, limits):
    user = UserFactory(username="left-the-company", is_active=False)
    for _ in range(5):
        sign_in(client, user.username, PASSWORD)

    assert sign_in(client, user.username, PASSWORD).status_code == 429
    assert not signed_in(client)


def test_the_api_has_no_password_endpoint_around_the_throttle(client, world):
    """The JSON API authenticates with the session only: nothing in it takes a password."""
    schema = client.get("/api/schema/").json()
    components = schema.get("components", {}).get("schemas", {})

    def fields(node, seen=()):
        """Every property name and parameter a request may carry, $refs followed."""
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref and ref not in seen:
                yield from fields(components[ref.rsplit("/", 1)[-1]], (*seen, ref))
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    yield from value
                if key == "name" and isinstance(value, str):
                    yield value
                yield from fields(value, seen)
        elif isinstance(node, list):
            for item in node:
                yield from fields(item, seen)

    inputs = {
        name.lower()
        for operations in schema["paths"].values()
        for operation in operations.values()
        for part in (operation.get("parameters", []), operation.get("requestBody", {}))
        for name in fields(part)
    }
    assert inputs  # the walk found the request fields
    assert not {n for n in inputs if "password" in n or "secret" in n or n == "username"}
    assert not [p for p in schema["paths"] if any(w in p for w in ("login", "auth", "password"))]
    schemes = schema.get("components", {}).get("securitySchemes", {})
    assert {s["type"] for s in schemes.values()} == {"apiKey"}
    # The session cookie, and the exam pass of an exam page (a signed, short-lived grant to
    # save one attempt's answers, question_banks/services/exam_pass.py): never a password.
    assert {(s["in"], s["name"]) for s in schemes.values() if s["in"] != "cookie"} == {
        ("header", "X-Exam-Pass")
    }


def test_an_ipv6_client_rotating_its_addresses_is_locked_as_one_slash_64(client, world, limits):
    # One machine picks a new address inside its /64 for every guess (privacy addresses).
    for n in range(20):
        sign_in(client, f"guess-{n}", "wrong", address=f"2001:db8:1:2::{n + 1:x}")

    same_net = sign_in(client, "regulator_county", PASSWORD, address="2001:db8:1:2:ffff::1")
    next_net = sign_in(client, "regulator_county", PASSWORD, address="2001:db8:1:3::1")

    assert same_net.status_code == 429
    assert next_net.status_code == 302
    row = AuditLog.objects.get(action="login.locked", data__scope="address")
    assert row.target_type == ""


def test_an_ipv4_client_counts_the_same_whether_or_not_its_address_is_ipv4_mapped(
    client, world, limits
):
    for n in range(10):
        sign_in(client, f"guess-{n}", "wrong", address="203.0.113.7")
        sign_in(client, f"guess-m{n}", "wrong", address="::ffff:203.0.113.7")

    assert sign_in(client, "regulator_county", PASSWORD, address="203.0.113.7").status_code == 429
    # Another IPv4 address (even in the same /24: a sign-in counts one address) is not locked.
    assert sign_in(client, "regulator_county", PASSWORD, address="203.0.113.8").status_code == 302


def test_an_ipv6_site_guessing_from_many_slash_64s_is_locked_as_its_slash_56(
    client, world, settings
):
    """Each /64 of a home line's /56 has its own address count; the /56 together has a
    higher one (SITE_FAILURES), so 256 /64s do not buy 256 times the guesses."""
    settings.LOGIN_THROTTLE = {
        "ACCOUNT_FAILURES": 5,
        "ADDRESS_FAILURES": 4,
        "SITE_FAILURES": 10,
        "WINDOW_SECONDS": 900,
        "LOCK_SECONDS": 900,
    }
    for n in range(10):  # three /64s, none at its own limit of 4
        sign_in(client, f"guess-{n}", "wrong", address=f"2001:db8:1:{n % 3 + 1:x}::{n + 1:x}")

    same_site = sign_in(client, "regulator_county", PASSWORD, address="2001:db8:1:ff::1")
    next_site = sign_in(client, "regulator_county", PASSWORD, address="2001:db8:1:100::1")

    assert same_site.status_code == 429
    assert next_site.status_code == 302
    row = AuditLog.objects.get(action="login.locked", data__scope="site")
    assert row.target_type == ""
