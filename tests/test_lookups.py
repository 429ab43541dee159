"""config.lookups.InSet selects what ``__in`` selects, with the values as one parameter."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from config.lookups import InSet
from roster.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_in_set_finds_the_rows_in_finds_for_numbers_and_texts():
    people = [PersonFactory() for _ in range(3)]
    ids = [people[0].pk, people[2].pk, 10**9]
    numbers = [people[1].id_number, "not on file"]
    assert set(Person.objects.filter(InSet(F("pk"), ids))) == set(Person.objects.filter(pk__in=ids))
    assert list(Person.objects.filter(InSet(F("id_number"), numbers))) == [people[1]]


def test_in_set_of_nothing_finds_nothing():
    PersonFactory()
    assert not Person.objects.filter(InSet(F("pk"), [])).exists()


def test_in_set_binds_thousands_of_values_as_one_array():
    with CaptureQueriesContext(connection) as queries:
        assert Person.objects.filter(InSet(F("pk"), range(1, 5001))).count() == 0
    assert len(queries) == 1
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    elif connection.vendor == "sqlite":
        assert "json_each(" in sql
