"""The signed-in user is read from the cache on each request (an exam day's saves every few
seconds), and every change to the account reaches the next request at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roster.auth import user_cache_key

pytestmark = pytest.mark.django_db

PAGE = "/exams/"


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.trainee)
    assert client.get(PAGE).status_code == 200
    return client


def test_the_user_comes_from_the_cache_after_the_first_request(signed_in, world):
    from django.core.cache import cache

    assert cache.get(user_cache_key(world.trainee.pk)) is not None
    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(PAGE).status_code == 200
    assert not any('"roster_user"' in q["sql"].split("WHERE")[0] for q in captured), [
        q["sql"] for q in captured
    ]


def test_a_deactivated_account_is_signed_out_at_its_next_request(signed_in, world):
    world.trainee.is_active = False
    world.trainee.save(update_fields=["is_active"])
    response = signed_in.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_changed_password_signs_out_other_sessions(signed_in, world):
    world.trainee.set_password("A-new-password-2026")
    world.trainee.save()
    response = signed_in.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_deleting_the_person_drops_the_cached_account(signed_in, world):
    from django.core.cache import cache

    world.trainee.person.delete()
    assert cache.get(user_cache_key(world.trainee.pk)) is None
    world.trainee.refresh_from_db()
    assert world.trainee.person_id is None


def test_the_cache_never_holds_the_password_hash(signed_in, world):
    """Whoever reads the cache (Redis, shared by every process) learns no password hash."""
    import pickle

    from django.core.cache import cache

    entry = cache.get(user_cache_key(world.trainee.pk))
    world.trainee.refresh_from_db()
    password_hash = world.trainee.password
    assert password_hash and password_hash.encode() not in pickle.dumps(entry)
    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(PAGE).status_code == 200
    assert not any("password" in q["sql"].split("FROM")[0] for q in captured)


def test_a_session_made_under_a_retired_key_still_signs_in(client, world, settings):
    """Rotating SECRET_KEY with the old one in SECRET_KEY_FALLBACKS keeps people signed in,
    the cached account included; a key that is neither signs them out."""
    client.force_login(world.trainee)
    assert client.get(PAGE).status_code == 200  # the account is cached under the old key
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "n" * 40
    settings.SECRET_KEY_FALLBACKS = [old]
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200  # and again, the session now on the new key
    settings.SECRET_KEY = "yet-another-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = []
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_entry_of_another_shape_is_read_again(signed_in, world):
    from django.core.cache import cache

    cache.set(user_cache_key(world.trainee.pk), ("not", "an", "account"))
    assert signed_in.get(PAGE).status_code == 200
    values, hashes = cache.get(user_cache_key(world.trainee.pk))
    assert world.trainee.username in values and hashes
