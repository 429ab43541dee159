"""A demo case of the dispatched-worker flag: 清河县青山煤业有限责任公司 (the county's coal
mine) took on a 劳务派遣 worker this year as a 煤矿井下爆破作业 special operator, a post the
rules forbid a mine to fill with dispatched workers (roster.models.DispatchRestriction).

So the regulator's dashboard shows the flag for the coal mine and its drill-down names him,
and the hired-this-year breakdown has someone in it whenever the demo is loaded. Fictional:
an ID number in the unassigned area 99xxxx. Idempotent: once on the roster, he is left as he
is (his hire date is set only when he is first added)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roster.choices import EmploymentForm, PersonnelCategory
from roster.identity import id_check_char
from roster.models import Enterprise, Person
from roster.services.people import PersonData, person_create_or_update

COAL_MINE = "清河县青山煤业有限责任公司"
FIRST17 = "99010219950412083"  # born 1995-04-12, 17th digit odd: a man
NAME = "牛大壮"
POST = "煤矿井下爆破作业"
DEPARTMENT = "掘进一班"
HIRED_DAYS_AGO = 20


def seed(*, stdout=None) -> int:
    id_number = FIRST17 + id_check_char(FIRST17)
    enterprise = Enterprise.objects.filter(name=COAL_MINE).first()
    if enterprise is None or Person.objects.filter(id_number=id_number).exists():
        return 0
    today = timezone.localdate()
    # Hired this year (a few weeks ago, but never before 1 January).
    hired = max(today - dt.timedelta(days=HIRED_DAYS_AGO), dt.date(today.year, 1, 1))
    person_create_or_update(
        data=PersonData(
            id_number=id_number,
            name=NAME,
            enterprise=enterprise,
            category=PersonnelCategory.SPECIAL_OPERATOR,
            department_name=DEPARTMENT,
            post=POST,
            employment_form=EmploymentForm.DISPATCHED,
            hire_date=hired,
        ),
        actor=None,
        audit=False,
        today=hired,
    )
    if stdout is not None:
        stdout.write(f"Demo dispatch case: {NAME}, 劳务派遣 {POST} at {COAL_MINE}.")
    return 1
