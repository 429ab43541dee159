"""Sign in with an ID number, a phone number or a staff username.

A trainee imported from a roster has no account yet. Their first sign-in uses the initial
password the enterprise admin hands out (by default the last six characters of the ID
number); the account is then created and they must choose their own password at once.
Passwords are hashed only when an account is really used, so importing thousands of
people stays fast.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import IntegrityError, transaction

from .identity import IdentityError, normalize_phone, parse_id_number
from .models import Person, User


def initial_password(person: Person) -> str:
    length = int(getattr(settings, "ROSTER_INITIAL_PASSWORD_DIGITS", 6))
    return person.id_number[-length:]


class IdentityBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        login = str(username).strip()
        person = self._person_for(login)
        if person is not None:
            user = User.objects.filter(person=person).first()
            if user is None:
                return self._first_sign_in(person, password)
        else:
            user = User.objects.filter(username=login).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def _person_for(self, login: str) -> Person | None:
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

    def _first_sign_in(self, person: Person, password: str) -> User | None:
        if not hmac.compare_digest(password, initial_password(person)):
            return None
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=person.id_number, password=password, first_name=person.name
                )
                user.person = person
                user.must_change_password = True
                user.save(update_fields=["person", "must_change_password"])
        except IntegrityError:
            return None
        return user
