"""A county 安康杯 knowledge contest on the web, from the regulator's empty list to the
winners' spreadsheet.

The county regulator creates the contest (with daily questions), adds two rounds and is
refused, beside the fields and in Chinese, a round that overlaps the first and one that
draws more questions than the bank holds. Three people of two enterprises take the first
round on phones (each their own paper, through the exam engine's pages); each result names
the round (第1轮（共2轮）) and leads to the next. The clock moves on to the second round: one
goes on to it from their first result's "next round, open now" link, another from the
contest page. One, who answered yesterday's daily questions, answers today's and sees a
two-day streak; 我的考试 lists neither their rounds nor their daily questions. The regulator
reads the leaderboard by enterprise and by person, exports the winners (.xlsx) and opens
the honour certificates, and sees the contest in /reports/contests/. Screenshots at both
sizes go to /tmp/shots/contests.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from contests.models import Contest, ContestEntry, ContestRound
from contests.services.playing import daily_start
from question_banks.models import Attempt, ExamSession, Question, QuestionBank, QuestionVersion
from question_banks.services.attempts import attempt_submit
from tests.e2e import shots
from tests.e2e.conftest import wait_for
from tests.factories import EmploymentFactory, UserFactory, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/contests")
PASSWORD = "pw-123456"
LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def world():
    world = build_world()
    bank = QuestionBank.objects.create(
        code="AKB",
        name="安康杯安全知识题库",
        training_body=world.trainer_body,
        open_to_enterprises=True,
    )
    for i in range(10):
        q = Question.objects.create(bank=bank, qtype="judge", difficulty=2)
        v = QuestionVersion.objects.create(
            question=q,
            number=1,
            stem=f"<p>第{i + 1}题：动火作业前必须办理动火作业许可证。</p>",
            options=[{"key": "A", "text": "正确", "correct": True}, {"key": "B", "text": "错误"}],
            shuffle_options=False,
        )
        Question.objects.filter(pk=q.pk).update(current_version=v)
    # A second worker at 城关机械厂, so enterprises differ in participation.
    extra = EmploymentFactory(enterprise=world.ent_a).person
    world.contestants = {
        "a": (world.person_a, world.trainee),
        "a2": (extra, UserFactory(username=extra.id_number, person=extra)),
        "b": (
            world.person_b,
            UserFactory(username=world.person_b.id_number, person=world.person_b),
        ),
    }
    return world


def both_sizes(session, name: str) -> None:
    shots.both_sizes(session, SHOTS, name)


def fill_round(page, *, title: str, opens: dt.datetime, minutes: int, count: int) -> None:
    page.fill("input[name=title]", title)
    page.select_option("select[name=kind]", "timed")
    page.fill("input[name=opens_at]", timezone.localtime(opens).strftime(LOCAL))
    page.fill(
        "input[name=closes_at]",
        timezone.localtime(opens + dt.timedelta(minutes=minutes)).strftime(LOCAL),
    )
    page.fill("input[name=duration_minutes]", "10")
    page.fill("input[name=attempts_allowed]", "1")
    page.select_option("select[name=bank]", label="安康杯安全知识题库")
    page.fill("input[name=count_judge]", str(count))
    page.fill("input[name=points_judge]", "20")


def sign_in_as(phone, user) -> None:
    phone.page.context.clear_cookies()
    phone.login(user.username, PASSWORD)


def answer_and_submit(phone, key_for) -> None:
    """Answer every question on the exam page (key_for(n) -> "A"/"B") and submit."""
    page = phone.page
    page.wait_for_selector("#exam")
    questions = page.locator("article.question").count()
    for n in range(questions):
        article = page.locator("article.question:visible")
        article.locator("label.choice", has=page.locator(f"input[value={key_for(n)}]")).click()
        if n < questions - 1:
            article.locator("[data-next]").click()
    wait_for(page, "document.getElementById('net-status').dataset.state === 'saved'")
    page.click("#submit-exam")
    page.wait_for_selector("#confirm-submit[open]")
    with page.expect_navigation(url="**/result/"):
        page.click("#confirm-yes")


def take_round(
    phone, contest: Contest, round_title: str, key_for, shot: str | None, *, from_page=False
) -> None:
    """Enter the round from the contest page (opened from my contests, or, from_page, the one
    the phone is on), answer with key_for and check the result names the round."""
    page = phone.page
    if not from_page:
        phone.go("/contests/mine/")
        with page.expect_navigation():
            page.click(f"text={contest.name}")
    if shot:
        phone.assert_no_horizontal_overflow()
        both_sizes(phone, f"{shot}-contest")
    card = page.locator("section.round", has_text=round_title)
    with page.expect_navigation():
        card.locator("button:has-text('参加本轮')").click()
    with page.expect_navigation():
        page.click("#start-form button[type=submit]")
    if shot:
        phone.assert_no_horizontal_overflow()
        phone.shot(f"{shot}-paper")
        (SHOTS / f"{shot}-paper-phone.png").write_bytes(
            (phone.shots / f"{shot}-paper.png").read_bytes()
        )
    answer_and_submit(phone, key_for)
    # A round ranks, it has no pass mark: the score and the rank, never 合格 / 不合格.
    result = page.locator("section.result").inner_text()
    assert "本轮第" in result and "合格" not in result, result
    # The result names the round taken, and the way back names the contest.
    number = {"第一轮": 1, "第二轮": 2}[round_title]
    assert f"第{number}轮（共2轮）：{round_title}" in result, result
    assert contest.name in page.locator("#contest-link").inner_text()
    if shot:
        both_sizes(phone, f"{shot}-result")


def test_a_county_contest_with_two_rounds_on_phones(world, desktop, phone):
    reg = desktop.page
    desktop.login("regulator_county", PASSWORD)

    # The regulator creates the contest from the navigation.
    desktop.go("/")
    with reg.expect_navigation():
        reg.click("nav.nav >> text=知识竞赛")
    both_sizes(desktop, "01-contest-list-empty")
    with reg.expect_navigation():
        reg.click("text=新建竞赛")
    reg.fill("input[name=name]", "2027年安康杯安全知识竞赛")
    reg.select_option("select[name=organiser]", f"r{world.county.pk}")
    reg.fill("input[name=organiser_name]", "清河县应急管理局")
    reg.select_option("select[name=daily_bank]", label="安康杯安全知识题库")
    reg.fill("input[name=daily_count_judge]", "2")
    both_sizes(desktop, "02-contest-form")
    with reg.expect_navigation():
        reg.click("form.contest-form button[type=submit]")
    contest = Contest.objects.get()
    assert contest.organiser_region == world.county and contest.daily_rule is not None

    # Round 1 now, round 2 after it.
    now = timezone.now().replace(second=0, microsecond=0)
    with reg.expect_navigation():
        reg.click("text=新增轮次")
    fill_round(reg, title="第一轮（初赛）", opens=now, minutes=30, count=5)
    with reg.expect_navigation():
        reg.click("form.contest-form button[type=submit]")
    with reg.expect_navigation():
        reg.click("text=新增轮次")

    # Bad input: overlapping the first round, then more questions than the bank holds.
    fill_round(
        reg, title="第二轮（复赛）", opens=now + dt.timedelta(minutes=20), minutes=30, count=5
    )
    with reg.expect_navigation():
        reg.click("form.contest-form button[type=submit]")
    error = reg.locator(".field.has-error .error").first.inner_text()
    assert "重叠" in error and "第一轮（初赛）" in error
    assert reg.input_value("input[name=title]") == "第二轮（复赛）"
    both_sizes(desktop, "03-round-overlap-refused")
    fill_round(
        reg, title="第二轮（复赛）", opens=now + dt.timedelta(minutes=40), minutes=30, count=12
    )
    with reg.expect_navigation():
        reg.click("form.contest-form button[type=submit]")
    error = reg.locator(".field.has-error .error").first.inner_text()
    assert "10" in error and "12" in error, error
    both_sizes(desktop, "04-round-too-many-refused")
    assert ContestRound.objects.count() == 1
    reg.fill("input[name=count_judge]", "5")
    with reg.expect_navigation():
        reg.click("form.contest-form button[type=submit]")
    assert ContestRound.objects.count() == 2
    both_sizes(desktop, "05-contest-detail")

    # Round 1 on phones: person a all right, a2 three right, b all wrong.
    first, second = ContestRound.objects.order_by("session__opens_at")
    a, a2, b = (world.contestants[k][1] for k in ("a", "a2", "b"))
    sign_in_as(phone, a)
    take_round(phone, contest, "第一轮", lambda n: "A", shot="06-a-round1")
    assert "下一轮：第2轮 第二轮（复赛）" in phone.page.locator("#next-round").inner_text()
    sign_in_as(phone, a2)
    take_round(phone, contest, "第一轮", lambda n: "A" if n < 3 else "B", shot=None)
    # Daily questions show their answers: they pause while a round on the same bank is held.
    phone.go(f"/contests/mine/{contest.pk}/")
    with phone.page.expect_navigation():
        phone.page.click("text=开始今日答题")
    assert "暂停" in phone.page.locator("ul.messages").inner_text()
    both_sizes(phone, "07-daily-paused-during-round")
    sign_in_as(phone, b)
    take_round(phone, contest, "第一轮", lambda n: "B", shot="07b-b-round1")
    assert ContestEntry.objects.filter(contest=contest, rounds_taken=1).count() == 3

    # The clock moves on: round 1 has closed, round 2 is open.
    later = timezone.now() - dt.timedelta(minutes=1)
    ExamSession.objects.filter(pk=first.session.pk).update(
        opens_at=later - dt.timedelta(hours=1), closes_at=later
    )
    ExamSession.objects.filter(pk=second.session.pk).update(
        opens_at=later, closes_at=later + dt.timedelta(hours=1)
    )
    # b opens their round-1 result again: it now leads to round 2, open now, and b goes on
    # from there.
    sign_in_as(phone, b)
    b_first = Attempt.objects.get(session=first.session, person=b.person)
    phone.go(f"/exams/attempt/{b_first.pk}/result/")
    next_link = phone.page.locator("#next-round a")
    assert "下一轮：第2轮 第二轮（复赛）（现在开放）" in next_link.inner_text()
    phone.assert_no_horizontal_overflow()
    both_sizes(phone, "08a-b-result-next-round-open")
    with phone.page.expect_navigation():
        next_link.click()
    assert phone.page.url.endswith(f"/contests/mine/{contest.pk}/#round-{second.pk}")
    take_round(phone, contest, "第二轮", lambda n: "A", shot="08-b-round2", from_page=True)
    assert phone.page.locator("#next-round").count() == 0  # the last round
    sign_in_as(phone, a)
    take_round(phone, contest, "第二轮", lambda n: "A" if n else "B", shot=None)
    phone.go(f"/contests/mine/{contest.pk}/")
    assert "第1名" in phone.page.locator("#my-rank").inner_text()
    both_sizes(phone, "09-a-my-rank")

    # After the rounds, a2 (who answered yesterday's daily questions) answers today's and
    # sees the streak grow to two days.
    ExamSession.objects.filter(pk=second.session.pk).update(closes_at=timezone.now())
    yesterday = timezone.now() - dt.timedelta(days=1)
    paper = daily_start(person=a2.person, contest=contest, now=yesterday)
    attempt_submit(attempt=paper, person_id=paper.person_id, client_id="", now=yesterday)
    sign_in_as(phone, a2)
    phone.go(f"/contests/mine/{contest.pk}/")
    assert "1天" in phone.page.locator("section.my-standing").inner_text()
    with phone.page.expect_navigation():
        phone.page.click("text=开始今日答题")
    answer_and_submit(phone, lambda n: "A")
    phone.go(f"/contests/mine/{contest.pk}/")
    assert phone.page.locator("section.daily", has_text="今日已完成").count() == 1
    assert "2天" in phone.page.locator("section.my-standing").inner_text()
    both_sizes(phone, "09b-a2-daily-done")
    assert ContestEntry.objects.get(person=a2.person).streak == 2
    # 我的考试 lists exams and mock exams: not the rounds a2 took, nor the daily questions
    # (both are on the contest's page).
    phone.go("/exams/")
    main = phone.page.locator("main").inner_text()
    assert "第一轮" not in main and "第二轮" not in main
    assert phone.page.locator("#my-mocks").count() == 0
    phone.assert_no_horizontal_overflow()
    both_sizes(phone, "09c-a2-my-exams")

    # The regulator's leaderboards, winners and certificates.
    desktop.go(f"/contests/{contest.pk}/leaderboard/?by=enterprise")
    rows = reg.locator("#group-board tbody tr")
    # Every enterprise the contest reaches, those nobody of which took part too.
    assert rows.count() == 3
    assert world.ent_a.name in rows.nth(0).inner_text()  # average (180 + 60) / 2 vs 100
    assert "100%" in rows.nth(0).inner_text()  # both of 城关机械厂's people took part
    assert world.ent_a_chem.name in rows.nth(2).inner_text()
    both_sizes(desktop, "10-leaderboard-enterprise")
    with reg.expect_navigation():
        reg.click("text=按参与率")
    both_sizes(desktop, "11-leaderboard-enterprise-rate")
    desktop.go(f"/contests/{contest.pk}/leaderboard/?by=person")
    first_row = reg.locator("table.board tbody tr").first.inner_text()
    assert world.person_a.name in first_row and "180" in first_row
    both_sizes(desktop, "12-leaderboard-person")
    desktop.go(f"/contests/{contest.pk}/")
    with reg.expect_download() as download:
        reg.click("text=获奖名单（Excel）")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == [world.person_a.name, world.person_b.name, a2.person.name]
    assert rows[0][0] == 1 and rows[0][4] == 180
    response = reg.request.get(desktop.base_url + f"/contests/{contest.pk}/honours.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    (SHOTS / "honours.pdf").write_bytes(response.body())

    desktop.go("/reports/contests/")
    assert reg.locator("#contest-figures", has_text="2027年安康杯安全知识竞赛").count() == 1
    with reg.expect_navigation():
        reg.click("text=2027年安康杯安全知识竞赛")
    assert reg.locator("#contest-by-enterprise tbody tr").count() == 3
    both_sizes(desktop, "13-reports-contests")
    with reg.expect_download() as download:
        reg.click("#contests-xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "2027年安康杯安全知识竞赛" in cells and world.ent_a.name in cells

    # Deleting: a round somebody took is refused in Chinese; a round nobody started goes.
    desktop.go(f"/contests/{contest.pk}/rounds/{first.pk}/delete/")
    with reg.expect_navigation():
        reg.click("#delete-form button[type=submit]")
    assert "不能再删除" in reg.locator("#delete-error").inner_text()
    both_sizes(desktop, "14-round-delete-refused")
    assert ContestRound.objects.filter(pk=first.pk).exists()
    desktop.go(f"/contests/{contest.pk}/")
    with reg.expect_navigation():
        reg.click("text=新增轮次")
    fill_round(reg, title="决赛备用", opens=now + dt.timedelta(days=2), minutes=30, count=5)
    with reg.expect_navigation():
        reg.click("form.contest-form button[type=submit]")
    spare = ContestRound.objects.get(title="决赛备用")
    row = reg.locator("tr", has_text="决赛备用")
    with reg.expect_navigation():
        row.locator("text=删除").click()
    with reg.expect_navigation():
        reg.click("#delete-form button[type=submit]")
    assert not ContestRound.objects.filter(pk=spare.pk).exists()
    both_sizes(desktop, "15-round-deleted")
