"""Contest list pages cost a fixed number of queries whatever the number of contests (no
query per contest), and the Python check the lists use agrees with the queryset rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contests.services.contests import ContestData, contest_round_save, contest_save
from contests.services.scope import contests_for_person, employment_eligible, taking_part_as
from roster.models import Employment
from tests.contests.conftest import round_data

pytestmark = pytest.mark.django_db

URLS = ["/contests/", "/contests/mine/", "/reports/contests/"]
WHO = {"/contests/": "regulator_county", "/contests/mine/": "trainee"}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(world, bank, now, n: int, start: int) -> None:
    """n more county contests, every other one limited (industries, regions, categories),
    each with a round."""
    for k in range(start, start + n):
        limited = k % 2 == 1
        contest = contest_save(
            actor=world.regulator_county,
            data=ContestData(
                name=f"竞赛{k}",
                organiser_region=world.county,
                organiser_enterprise=None,
                regions=(world.township_a,) if limited else (),
                categories=("general", "special_operator") if limited else (),
            ),
        )
        contest_round_save(
            actor=world.regulator_county,
            contest=contest,
            data=round_data(bank, now + dt.timedelta(days=1 + k)),
            now=now,
        )


@pytest.mark.parametrize("url", URLS)
def test_contest_lists_do_not_query_per_contest(client, world, contest_bank, now, url):
    client.force_login(getattr(world, WHO.get(url, "regulator_county")))
    grow(world, contest_bank, now, 2, 0)
    queries(client, url)  # the first request of a session also loads and caches the account
    small = queries(client, url)
    grow(world, contest_bank, now, 8, 2)
    assert queries(client, url) == small


def test_the_list_check_agrees_with_the_queryset_rule(world, contest_bank, now):
    grow(world, contest_bank, now, 6, 0)
    for employment in Employment.objects.current().select_related("enterprise__region", "person"):
        listed = {c.pk for c in contests_for_person(employment.person)}
        from contests.models import Contest

        for contest in Contest.objects.prefetch_related("regions", "industries", "enterprises"):
            expected = taking_part_as(contest, employment.person) is not None
            assert (contest.pk in listed) == expected, (contest.name, employment.person)
            if Employment.objects.current().filter(person=employment.person).count() == 1:
                assert employment_eligible(contest, employment) == expected
