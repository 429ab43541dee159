"""An outsider's attacks on knowledge contests: entering a round through another contest's
address, a contest one is not open to, a round that has closed; daily questions of someone
else's contest; organising for another enterprise or region; changing another organiser's
contest; drawing on a bank the contest may not use; script in a contest's name. Each refusal
also changes no row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest
from contests.services.contests import (
    ContestData,
    Part,
    RoundData,
    contest_round_save,
    contest_save,
)
from question_banks.models import Candidate, QuestionBank

from .conftest import changed_tables, database_fingerprint
from .test_notices_attacks import _live_markup
from .test_url_walk import _contest_bank, _county_contest, _enterprise_contest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in")]


def _round_data(bank, **overrides) -> RoundData:
    opens = timezone.now() + dt.timedelta(days=3)
    values = dict(
        title="复赛",
        kind="timed",
        opens_at=opens,
        closes_at=opens + dt.timedelta(hours=1),
        duration_minutes=10,
        attempts_allowed=1,
        bank=bank,
        parts=(Part("judge", 3, Decimal(5)),),
    )
    values.update(overrides)
    return RoundData(**values)


def test_a_round_is_not_entered_through_another_contests_address(scene):
    enterprise_contest = _enterprise_contest(scene)
    _county_contest(scene)
    county_round = scene._county_round
    before = database_fingerprint()
    response = scene.client("trainee").post(
        reverse("contests:join", args=[enterprise_contest.pk, county_round.pk])
    )
    assert response.status_code == 404
    assert changed_tables(before, database_fingerprint()) == []


def test_someone_the_contest_is_not_open_to_cannot_enter_it_or_its_daily_questions(scene):
    contest = _enterprise_contest(scene)
    round = scene._enterprise_round
    before = database_fingerprint()
    for who in ("trainee_b", "admin", "regulator"):
        client = scene.client(who)
        join = client.post(reverse("contests:join", args=[contest.pk, round.pk]))
        daily = client.post(reverse("contests:daily", args=[contest.pk]))
        assert join.status_code in (403, 404), who
        assert daily.status_code in (403, 404), who
    assert changed_tables(before, database_fingerprint()) == []
    assert not Candidate.objects.filter(session=round.session).exists()


def test_a_closed_round_is_not_entered(scene):
    contest = _enterprise_contest(scene)
    round = scene._enterprise_round
    session = round.session
    session.closes_at = timezone.now() - dt.timedelta(minutes=1)
    session.opens_at = session.closes_at - dt.timedelta(hours=1)
    session.save(update_fields=["opens_at", "closes_at"])
    before = database_fingerprint()
    response = scene.client("trainee").post(reverse("contests:join", args=[contest.pk, round.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:play", args=[contest.pk])
    assert changed_tables(before, database_fingerprint()) == []


def test_nobody_organises_for_another_enterprise_or_a_region_outside_their_grant(scene):
    _county_contest(scene)
    before = database_fingerprint()
    attempts = [
        (
            scene.world.enterprise_admin,
            dict(organiser_region=None, organiser_enterprise=scene.world.ent_b),
        ),
        (
            scene.regulator_other,
            dict(organiser_region=scene.world.county, organiser_enterprise=None),
        ),
        (scene.world.trainer, dict(organiser_region=scene.world.county, organiser_enterprise=None)),
        (
            scene.world.regulator_township_chem,
            dict(organiser_region=scene.world.township_a, organiser_enterprise=None),
        ),
    ]
    for actor, where in attempts:
        with pytest.raises((PermissionDenied, ValidationError)):
            contest_save(actor=actor, data=ContestData(name="越权竞赛", **where))
    # A county contest limited to another county's enterprise or region.
    for limits in (
        dict(enterprises=(scene.world.ent_other,)),
        dict(regions=(scene.world.other_county,)),
    ):
        with pytest.raises(ValidationError):
            contest_save(
                actor=scene.world.regulator_county,
                data=ContestData(
                    name="越界竞赛",
                    organiser_region=scene.world.county,
                    organiser_enterprise=None,
                    **limits,
                ),
            )
    assert changed_tables(before, database_fingerprint()) == []


def test_another_organiser_cannot_change_the_contest_or_its_rounds(scene):
    contest = _county_contest(scene)
    round = scene._county_round
    before = database_fingerprint()
    for actor in (scene.regulator_other, scene.world.enterprise_admin, scene.admin_b):
        with pytest.raises(PermissionDenied):
            contest_save(
                actor=actor,
                contest=contest,
                data=ContestData(
                    name="改名",
                    organiser_region=scene.world.county,
                    organiser_enterprise=None,
                ),
            )
        with pytest.raises(PermissionDenied):
            contest_round_save(
                actor=actor, contest=contest, round=round, data=_round_data(_contest_bank(scene))
            )
    response = scene.client("regulator_other").post(
        reverse("contests:round_edit", args=[contest.pk, round.pk]), {"title": "改"}
    )
    assert response.status_code in (403, 404)
    assert changed_tables(before, database_fingerprint()) == []


def test_a_round_cannot_draw_on_a_bank_the_contest_may_not_use(scene):
    contest = _enterprise_contest(scene)
    # The training body's own bank, not opened to enterprises, and another enterprise's.
    closed = scene.bank
    closed.open_to_enterprises = False
    closed.save(update_fields=["open_to_enterprises"])
    foreign = QuestionBank.objects.create(
        code="NB-B", name="河口厂题库", enterprise=scene.world.ent_b
    )
    before = database_fingerprint()
    for bank in (closed, foreign):
        with pytest.raises((PermissionDenied, ValidationError)):
            contest_round_save(
                actor=scene.world.enterprise_admin, contest=contest, data=_round_data(bank)
            )
    assert changed_tables(before, database_fingerprint()) == []


def test_script_in_a_contests_name_and_description_is_shown_as_text(scene):
    contest = _enterprise_contest(scene)
    Contest.objects.filter(pk=contest.pk).update(
        name="<script>alert(1)</script><img src=x onerror=alert(2)>",
        description='<a href="javascript:alert(3)">x</a>',
    )
    pages = [
        scene.client("trainee").get(reverse("contests:mine")).content.decode(),
        scene.client("trainee").get(reverse("contests:play", args=[contest.pk])).content.decode(),
        scene.client("admin").get(reverse("contests:detail", args=[contest.pk])).content.decode(),
        scene.client("admin").get(reverse("contests:list")).content.decode(),
    ]
    for html in pages:
        assert not _live_markup(html)
