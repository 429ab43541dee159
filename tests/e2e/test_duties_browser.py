"""Each rule as "what, by when", walked on the demo in a zh-CN Chromium: the trainee sees
theirs on their home (phone); the coal mine's admin (coal_admin) opens, from the gap list, a
special operator of the mine who holds no card and one whose review window was missed; the
county regulator opens the same person. Screenshots at 390x844 and 1280x800."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from certificates.selectors import holder_gaps
from demo import roster as demo
from roster.choices import PersonnelCategory
from roster.models import Enterprise, User
from tests.e2e import shots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/duties")
ENGLISH = ("What, by when", "Rule:", "Missed", "before taking up the post", "Hours rule")


def test_the_trainee_the_coal_mine_admin_and_the_regulator_see_what_by_when(desktop, phone):
    call_command("seed_demo", "--force", "--no-logins")
    # The first pages after seeding the whole demo are slow on a loaded machine.
    for session in (phone, desktop):
        session.page.set_default_timeout(60_000)
        session.page.set_default_navigation_timeout(60_000)
    today = timezone.localdate()
    coal = Enterprise.objects.get(uscc=demo.uscc_of(demo.MINE_ADMIN_OF))
    coal_admin = User.objects.get(username="coal_admin")

    # The trainee (a special operator of the chemical works) on a phone: their home.
    phone.login(demo.TRAINEE_1.id_number, demo.DEMO_PASSWORD)
    phone.go("/")
    tile = phone.page.locator("#duties").inner_text()
    assert "待办事项与期限" in tile
    phone.assert_no_horizontal_overflow()
    shots.both_sizes(phone, SHOTS, "01-trainee-home", english=ENGLISH)

    # The coal mine's admin: a special operator with no card, from the gap list.
    gap = next(
        g
        for g in holder_gaps(user=coal_admin, enterprise=coal, on=today)
        if g.employment.category == PersonnelCategory.SPECIAL_OPERATOR
        and g.certificate_type is not None
    )
    desktop.login("coal_admin", demo.DEMO_PASSWORD)
    page = desktop.page
    desktop.go("/certificates/holders/")
    desktop.go(f"/certificates/people/{gap.person.pk}/")
    main = page.locator("main").inner_text()
    assert f"持有有效的{gap.certificate_type.name}" in main and "上岗前" in main
    assert "须持证上岗的岗位须持有效证书" in main
    shots.both_sizes(desktop, SHOTS, "02-coal-admin-no-card", english=ENGLISH)

    # One whose review had to be applied for 60 days before it is due: missed.
    missed = (
        Certificate.objects.filter(
            person__employments__enterprise=coal,
            status=CertificateStatus.VALID,
            next_review_on__gt=today,
            certificate_type__code="TZ-MK-WS",
        )
        .select_related("person")
        .order_by("next_review_on")
        .first()
    )
    assert missed is not None
    desktop.go(f"/certificates/people/{missed.person.pk}/")
    main = page.locator("#windows").inner_text()
    assert "申请" in main and "复审" in main and "已逾期" in main
    shots.both_sizes(desktop, SHOTS, "03-coal-admin-review-missed", english=ENGLISH)

    # The county regulator reads the same person (read-only: no practical exam form).
    desktop.page.context.clear_cookies()
    desktop.login("county_reg", demo.DEMO_PASSWORD)
    desktop.go(f"/certificates/people/{gap.person.pk}/")
    main = page.locator("main").inner_text()
    assert f"持有有效的{gap.certificate_type.name}" in main
    assert page.locator("#practical-form").count() == 0
    shots.both_sizes(desktop, SHOTS, "04-regulator-person", english=ENGLISH)
