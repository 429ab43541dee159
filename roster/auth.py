"""Sign in with an ID number, a phone number or a staff username.

A trainee imported from a roster has no account yet. Their first sign-in uses a one-time
activation code their enterprise admin hands out (roster.services.activation) in place of
a password; the account is then made and they must choose their own password at once.
Passwords are hashed only when an account is really used, so importing thousands of
people stays fast.

Every way through costs one run of the password hasher: a known account's password check,
a first sign-in's code check (an HMAC, plus one hash for the cost) and an unknown login (a
hash thrown away). So the time a sign-in takes does not tell whether a login names a roster
person without an account (tests/roster/test_activation.py counts the hasher's runs).

Failed sign-ins are throttled here, per account and per client address (`roster.throttle`),
so that every login form that calls `authenticate()` is covered, first sign-ins with a code
included; a locked account or address is refused before any password or code is checked.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from . import throttle
from .identity import IdentityError, normalize_phone, parse_id_number
from .models import Person, User, secret_fingerprint
from .services.activation import activation_sign_in


def _account(login: str, person: Person | None) -> str:
    """What the throttle counts: one person however they sign in, else the login as typed."""
    return f"person:{person.pk}" if person is not None else f"login:{login}"


def _login_hint(login: str) -> str:
    """Enough of an unknown login for the audit log to group attempts, never all of it (it
    might be a password typed into the wrong field)."""
    return login[:2] + "*" * min(max(len(login) - 2, 0), 8)


def sign_in_lockout(request, username: object) -> throttle.Lockout | None:
    """The lockout in force for this login or the request's address (for the forms' message)."""
    login = str(username or "").strip()
    return throttle.lockout(request, _account(login, IdentityBackend.person_for(login)))


# Every signed-in request reads its user (the exam page saves an answer every few seconds):
# the row is kept in the cache and dropped whenever the user or their person is saved or
# deleted (roster.signals). Short, because while Redis is unreachable each process caches on
# its own and a change made in one process reaches the others only when this runs out.
USER_CACHE_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"roster:account:{user_id}"


def forget_user(user_id) -> None:
    """Drop the cached account now and again when the transaction commits: a request reading
    the old row meanwhile would otherwise cache it for the full 300 seconds."""
    key = user_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


@functools.cache
def _user_query() -> tuple[str, list[str]]:
    """One plain SELECT of an account by its key, and the attribute names of its columns."""
    quote = connection.ops.quote_name
    fields = User._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    where = quote(User._meta.pk.column)
    sql = f"SELECT {columns} FROM {quote(User._meta.db_table)} WHERE {where} = %s"
    return sql, [field.attname for field in fields]


def _read_user(user_id) -> User | None:
    """The account, read with one prepared statement: on PostgreSQL every column arrives as
    the model's Python type already, and building the ORM's query for it costs more than
    the round trip (at 9:00 on an exam day, a thousand accounts are read at once)."""
    if connection.vendor != "postgresql":
        return User._default_manager.filter(pk=user_id).first()
    sql, names = _user_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [int(user_id)])
        row = cursor.fetchone()
    return User.from_db(connection.alias, names, row) if row is not None else None


@functools.cache
def _cached_names() -> tuple[str, ...]:
    return tuple(f.attname for f in User._meta.concrete_fields if f.attname != "password")


def _cache_entry(user: User) -> tuple:
    """What the cache keeps of an account: every column but the password hash (a cache is
    no place for it), and instead the session hash Django checks each request against,
    made with the secret key and each fallback key, named by their fingerprints."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    hashes = {secret_fingerprint(s): user._get_session_auth_hash(secret=s) for s in secrets}
    return tuple(getattr(user, name) for name in _cached_names()), hashes


def _from_cache_entry(entry) -> User | None:
    try:
        values, hashes = entry
        shaped = isinstance(hashes, dict) and len(values) == len(_cached_names())
    except (TypeError, ValueError):
        shaped = False
    if not shaped:
        return None  # an entry of another shape (another release's): read the row again
    user = User.from_db(connection.alias, _cached_names(), values)
    user._session_auth_hashes = hashes  # roster.models.User._get_session_auth_hash
    return user


class IdentityBackend(ModelBackend):
    def get_user(self, user_id):
        """The signed-in user, from the cache when it holds them. Django's auth then checks
        the session's password hash against it, so a changed password still signs out."""
        key = user_cache_key(user_id)
        entry = cache.get(key)
        user = _from_cache_entry(entry) if entry is not None else None
        if user is None:
            try:
                user = _read_user(user_id)
            except (TypeError, ValueError):
                return None  # a session holding something that is not an account's key
            if user is None:
                return None
            cache.set(key, _cache_entry(user), USER_CACHE_SECONDS)
        if not self.user_can_authenticate(user):
            return None
        return user

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        login = str(username).strip()
        person = self.person_for(login)
        account = _account(login, person)
        if throttle.lockout(request, account) is not None:
            # Stops authenticate() for every backend; the form then says why.
            raise PermissionDenied
        user, known = self._check(login, person, password)
        if user is None:
            throttle.register_failure(
                request,
                account,
                target=known or person,
                login_hint="" if known or person else _login_hint(login),
            )
        else:
            throttle.register_success(request, account)
        return user

    def _check(self, login: str, person: Person | None, password: str):
        """(the user if the password is right, the account the login names if any)."""
        if person is not None:
            user = User.objects.filter(person=person).first()
            if user is None or not user.has_usable_password():
                # No account to sign in to yet: what was typed is an activation code.
                return activation_sign_in(person=person, user=user, code=password), user
        else:
            user = User.objects.filter(username=login).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None, None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user, user
        return None, user

    @staticmethod
    def person_for(login: str) -> Person | None:
        try:
            return Person.objects.get(id_number=parse_id_number(login).value)
        except (IdentityError, Person.DoesNotExist):
            pass
        phone = normalize_phone(login)
        if len(phone) == 11 and phone.isdigit():
            # A phone shared by two people (a family phone) cannot identify either one.
            people = list(Person.objects.filter(phone=phone)[:2])
            if len(people) == 1:
                return people[0]
        return None
