"""The demo county's drills: the chemical works drilled what it owed last period, the
fireworks works is overdue, and a second run changes nothing."""

import io

import pytest
from django.core.management import call_command

from drills import selectors
from drills.models import DrillRecord
from roster.models import Enterprise

pytestmark = pytest.mark.django_db


def test_the_demo_has_drills_and_one_overdue_enterprise(demo_county):
    chem = Enterprise.objects.get(name="清河县宏达化工有限公司")
    late = Enterprise.objects.get(name="清河县鸿运烟花爆竹有限公司")
    assert DrillRecord.objects.filter(enterprise=chem).count() == 4
    assert not [
        o for o in selectors.enterprise_obligations(enterprise=chem) if o.state == "overdue"
    ]
    assert [o for o in selectors.enterprise_obligations(enterprise=late) if o.state == "overdue"]
    call_command("seed_demo", "--force", "--no-logins", stdout=io.StringIO())
    assert DrillRecord.objects.filter(enterprise=chem).count() == 4
