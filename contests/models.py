"""Knowledge contests (安康杯, 安全生产月 知识竞赛) on top of the exam engine.

A contest round is an ExamSession of purpose CONTEST: its paper rule is drawn per person, its
window, deadline, attempts, one active device and answer-key closure are the engine's
(question_banks/services/attempts.py), never a copy. What this app adds:
- who organises the contest (a regulator's region, or one enterprise) and who may take part;
- the rounds' order and kind (timed, or a final open only to the best N of earlier rounds);
- daily questions (每日答题), each day's set an attempt of the engine without a session;
- the standings: ContestRoundScore (a person's best attempt of a round) and ContestEntry (a
  person's totals over the contest), both written in the transaction that grades the
  attempt (contests/services/scoring.py), so a leaderboard reads one small table.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from question_banks.models import Attempt, ExamSession, PaperRule
from roster.models import Department, Enterprise, Industry, Person, Region


class Contest(models.Model):
    """One contest, organised by a regulator for the enterprises of its region (optionally
    some industries, enterprises or personnel categories only) or by an enterprise for its
    own people."""

    name = models.CharField(_("contest name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organiser_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organising region"),
    )
    organiser_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organising enterprise"),
    )
    organiser_name = models.CharField(
        _("organiser shown on certificates"), max_length=200, blank=True
    )
    # Who may take part, within the organiser's scope; an empty list means "no limit".
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("regions taking part")
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("industries taking part")
    )
    enterprises = models.ManyToManyField(
        Enterprise, blank=True, related_name="+", verbose_name=_("enterprises taking part")
    )
    categories = models.JSONField(_("personnel categories taking part"), default=list, blank=True)
    # 每日答题: a few questions a day drawn by this rule (none: no daily questions).
    daily_rule = models.ForeignKey(
        PaperRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("daily questions paper"),
    )
    daily_starts_on = models.DateField(_("daily questions from"), null=True, blank=True)
    daily_ends_on = models.DateField(_("daily questions until"), null=True, blank=True)
    winners_count = models.PositiveSmallIntegerField(_("number of winners"), default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("knowledge contest")
        verbose_name_plural = _("knowledge contests")
        constraints = [
            models.CheckConstraint(
                condition=Q(organiser_region__isnull=True) ^ Q(organiser_enterprise__isnull=True),
                name="contest_one_organiser",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organiser_label(self) -> str:
        if self.organiser_name:
            return self.organiser_name
        organiser = self.organiser_enterprise or self.organiser_region
        return str(organiser.name) if organiser else ""


class ContestRound(models.Model):
    """A round: the exam session holding its window, paper rule, duration and attempts."""

    class Kind(models.TextChoices):
        TIMED = "timed", _("Timed round")
        FINAL = "final", _("Final round")

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("contest")
    )
    session = models.OneToOneField(
        ExamSession, on_delete=models.PROTECT, related_name="contest_round"
    )
    title = models.CharField(_("round name"), max_length=100)
    kind = models.CharField(_("round kind"), max_length=10, choices=Kind.choices)
    # A final round: only the best N of the earlier rounds may enter.
    final_top_n = models.PositiveIntegerField(_("best N who enter the final"), default=0)

    class Meta:
        ordering = ["contest", "session__opens_at"]
        verbose_name = _("contest round")
        verbose_name_plural = _("contest rounds")

    def __str__(self) -> str:
        return self.title


class ContestEntry(models.Model):
    """A person's standing in a contest: the sum of their best score in each round (ties by
    the time those attempts took), and their daily questions. Written when an attempt is
    graded; the leaderboards read only this table."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="entries", verbose_name=_("contest")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="contest_entries", verbose_name=_("person")
    )
    # Where the person worked when they took part (the groups of the leaderboards).
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, default=Decimal(0))
    seconds = models.PositiveIntegerField(_("time taken (seconds)"), default=0)
    rounds_taken = models.PositiveSmallIntegerField(_("rounds taken"), default=0)
    daily_days = models.PositiveIntegerField(_("days of daily questions"), default=0)
    daily_correct = models.PositiveIntegerField(_("daily questions right"), default=0)
    streak = models.PositiveIntegerField(_("streak (days)"), default=0)
    last_daily_on = models.DateField(_("last daily questions"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        constraints = [
            models.UniqueConstraint(fields=["contest", "person"], name="contest_entry_unique")
        ]
        indexes = [
            models.Index(fields=["contest", "-score", "seconds"], name="contest_entry_rank"),
            models.Index(fields=["contest", "enterprise"], name="contest_entry_ent"),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.person_id} {self.score}"


class ContestRoundScore(models.Model):
    """A person's best attempt of one round (highest score, then least time)."""

    round = models.ForeignKey(
        ContestRound, on_delete=models.CASCADE, related_name="scores", verbose_name=_("round")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="+", verbose_name=_("attempt")
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    seconds = models.PositiveIntegerField(_("time taken (seconds)"))

    class Meta:
        verbose_name = _("round score")
        verbose_name_plural = _("round scores")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="contest_round_score_unique")
        ]
        indexes = [models.Index(fields=["round", "-score", "seconds"], name="contest_round_rank")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.person_id} {self.score}"


class DailySet(models.Model):
    """One day's daily questions of one person: an attempt of the engine without a session."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="daily_sets", verbose_name=_("contest")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    day = models.DateField(_("day"))
    attempt = models.OneToOneField(
        Attempt, on_delete=models.CASCADE, related_name="daily_set", verbose_name=_("attempt")
    )
    correct = models.PositiveSmallIntegerField(_("right"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("questions"), default=0)

    class Meta:
        verbose_name = _("daily questions")
        verbose_name_plural = _("daily questions")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "person", "day"], name="contest_daily_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.person_id} {self.day}"
