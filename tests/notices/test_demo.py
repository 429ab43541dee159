"""The demo county's notices and library, as seed_demo leaves them."""

import io

import pytest
from django.core.management import call_command

from demo import notices as notices_demo
from notices.models import KnowledgeItem, Notice
from reports import notice_figures
from reports.selectors import report_params
from roster.models import User


@pytest.mark.django_db
def test_the_demo_has_open_and_overdue_notices_and_a_library(demo_county):
    assert "Notices demo" in demo_county
    assert Notice.objects.filter(title=notices_demo.OPEN_NOTICE).get().receipts.exists()
    assert KnowledgeItem.objects.count() == len(notices_demo.LIBRARY)
    regulator = User.objects.get(username="county_reg")
    params = report_params(user=regulator)
    total = notice_figures.table(user=regulator, params=params, by="enterprise").total
    assert total["notice_overdue"] > 0 and total["notice_on_time"] > 0
    assert 0 < total["notice_ack_rate"] < 1


@pytest.mark.django_db
def test_seeding_again_changes_nothing(demo_county):
    before = (Notice.objects.count(), KnowledgeItem.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--force", "--no-logins", stdout=out)
    assert "Notices demo: 0 notices and library items made, 0 readers reminded." in out.getvalue()
    assert (Notice.objects.count(), KnowledgeItem.objects.count()) == before
