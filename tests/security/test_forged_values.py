"""The shared form fields (roster.form_fields) that turn a forged id or date into a message
beside the field; test_form_fuzz.py sends the same values through every form of the walk."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from roster.form_fields import DateField, DateTimeField, IdChoices
from roster.models import Person


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_a_date_outside_any_real_use_is_refused_in_chinese(typed):
    form_field = DateField()
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            form_field.clean(typed)
        message = " ".join(refused.value.messages)
    assert message == "请输入 1900-01-01 至 2999-12-31 之间的日期。"


def test_a_real_date_and_time_pass():
    assert DateField().clean("1950-06-01") == dt.date(1950, 6, 1)
    assert DateTimeField().clean("2026-12-07 09:00").date() == dt.date(2026, 12, 7)


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["9" * 30, str(2**63), "-1", "0"])
def test_an_id_no_row_can_have_is_not_one_of_the_choices(world, forged):
    field = IdChoices(queryset=Person.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([str(world.person_a.pk), forged])
    assert getattr(refused.value, "code", "") == "invalid_pk_value"


@pytest.mark.django_db
def test_ids_of_real_rows_are_chosen(world):
    field = IdChoices(queryset=Person.objects.all())
    assert list(field.clean([str(world.person_a.pk)])) == [world.person_a]
