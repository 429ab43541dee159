"""Warning education that is recorded, county-wide rotation training and campaign months.

- Warning education (警示教育): an assignment of one warning case (a courses.WarningCasePage)
  to the people of some enterprises, optionally of one personnel category or post, with a
  deadline; one WarningAssignee row per person keeps what their reading earned (the reading
  clock is courses.services.study's, shared with lessons). Meetings (警示教育会) are recorded
  per enterprise with the cases discussed and who attended. Targets such as "不少于6次 a
  year" are rows (WarningTarget), and so is how reading credits study time (WarningRule).
- Rotation training (集中轮训): a regulator's campaign over a region subtree, industries and
  personnel categories; its members are resolved from the rosters and kept up to date;
  sessions (classroom or an online course) for groups of members across enterprises;
  attendance and the closing exam per member.
- Campaign months (安全生产月, 消防宣传月): activities per enterprise with evidence files kept
  in the private storage, served only through a checked view.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.storage import private_storage
from courses.models import CoursePage, TrainingKind, WarningCasePage
from question_banks.models import ExamSession
from roster.choices import PersonnelCategory
from roster.models import Enterprise, Industry, Person, Region

# --------------------------------------------------------------------------- rules (data)


class WarningTarget(models.Model):
    """A yearly warning-education target, e.g. 警示教育会 "不少于6次" per enterprise."""

    class Metric(models.TextChoices):
        MEETINGS = "meetings", _("Warning-education meetings per enterprise")
        CASES_READ = "cases_read", _("Cases read per person")

    metric = models.CharField(_("what is counted"), max_length=20, choices=Metric.choices)
    industry = models.ForeignKey(
        Industry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry (empty: every industry)"),
    )
    yearly_count = models.PositiveSmallIntegerField(_("at least, per year"))

    class Meta:
        verbose_name = _("warning-education target")
        verbose_name_plural = _("warning-education targets")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "industry"], name="campaigns_one_target_per_industry"
            ),
            models.UniqueConstraint(
                fields=["metric"],
                condition=Q(industry__isnull=True),
                name="campaigns_one_default_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.yearly_count}"


class WarningRule(models.Model):
    """How reading an assigned case counts: the reading time it takes, and whether (and as
    which kind of training) that time is credited as study hours. One row (pk 1), seeded by
    a data migration; a province edits it in the admin."""

    reading_minutes = models.PositiveSmallIntegerField(_("reading time of a case (minutes)"))
    credits_hours = models.BooleanField(_("credited as study hours"), default=True)
    training_kind = models.CharField(_("credited as"), max_length=20, choices=TrainingKind.choices)

    class Meta:
        verbose_name = _("warning-education rule")
        verbose_name_plural = _("warning-education rules")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


# --------------------------------------------------------------------------- warning education


class WarningAssignment(models.Model):
    """One warning case assigned to the people of some enterprises, with a deadline."""

    case = models.ForeignKey(
        WarningCasePage, on_delete=models.PROTECT, related_name="+", verbose_name=_("warning case")
    )
    enterprises = models.ManyToManyField(
        Enterprise, related_name="warning_assignments", verbose_name=_("enterprises")
    )
    personnel_category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices, blank=True
    )
    post = models.CharField(_("post / trade"), max_length=100, blank=True)
    due_on = models.DateField(_("deadline"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("warning-education assignment")
        verbose_name_plural = _("warning-education assignments")

    def __str__(self) -> str:
        return f"{self.case.title} ({self.due_on})"


class WarningAssignee(models.Model):
    """One person's reading of an assigned case: the time the reading clock credited, and
    when they had read it to the end."""

    assignment = models.ForeignKey(
        WarningAssignment,
        on_delete=models.CASCADE,
        related_name="assignees",
        verbose_name=_("assignment"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="warning_readings", verbose_name=_("person")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    credited_ms = models.PositiveBigIntegerField(_("reading time credited (ms)"), default=0)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read to the end at"), null=True, blank=True)
    # Left the assignment's people before its deadline (left the enterprise, another post or
    # category): the row keeps what they read; unread, it no longer counts as owed.
    left_at = models.DateTimeField(_("no longer assigned since"), null=True, blank=True)
    # When the person became one of its readers: the assignment's creation for those it was
    # assigned to, the day they joined for a newcomer. A dated figure counts them from then.
    joined_at = models.DateTimeField(_("assigned since"), default=timezone.now)
    # A late joiner's own deadline: the day they joined plus the reading period the
    # assignment gave everyone (its deadline less the day it was made), when that is later
    # than the assignment's. Empty: the assignment's deadline (services.warning_readers).
    due_on = models.DateField(_("own deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning-case reader")
        verbose_name_plural = _("warning-case readers")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "person"], name="campaigns_one_reader_per_assignment"
            )
        ]
        indexes = [models.Index(fields=["enterprise", "read_at"], name="campaigns_reader_ent")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.assignment_id}"

    @property
    def deadline(self) -> dt.date:
        """The reader's own deadline, else the assignment's."""
        return self.due_on or self.assignment.due_on


class WarningMeeting(models.Model):
    """警示教育会 held by one enterprise."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="warning_meetings",
        verbose_name=_("enterprise"),
    )
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    cases = models.ManyToManyField(
        WarningCasePage, blank=True, related_name="+", verbose_name=_("cases discussed")
    )
    attendees = models.ManyToManyField(Person, related_name="+", verbose_name=_("attendees"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("warning-education meeting")
        verbose_name_plural = _("warning-education meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


# --------------------------------------------------------------------------- rotation training


class RotationCampaign(models.Model):
    """集中轮训: who must be trained (region subtree, industries, categories), by when, and
    the share of them that must be (the target)."""

    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("industries (none: every one)")
    )
    # PersonnelCategory values; at least one.
    categories = models.JSONField(_("personnel categories"), default=list)
    target_rate = models.DecimalField(
        _("target (share of the people)"), max_digits=5, decimal_places=4, default=Decimal(1)
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark of the closing exam"), default=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("defined by"),
    )
    created_at = models.DateTimeField(_("defined at"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("rotation training campaign")
        verbose_name_plural = _("rotation training campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaigns_rotation_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def category_labels(self) -> list[str]:
        labels = dict(PersonnelCategory.choices)
        return [str(labels.get(value, value)) for value in self.categories]


class CampaignMember(models.Model):
    """A person the campaign must train, resolved from the rosters. A member who is no longer
    in scope (left the enterprise, changed category) keeps the row with `left_on`, so the
    history stays, and no longer counts."""

    campaign = models.ForeignKey(
        RotationCampaign,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("campaign"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="campaign_memberships",
        verbose_name=_("person"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices
    )
    added_on = models.DateField(_("added on"), default=timezone.localdate)
    left_on = models.DateField(_("no longer in scope since"), null=True, blank=True)
    exam_score = models.DecimalField(
        _("closing exam score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    exam_on = models.DateField(_("closing exam on"), null=True, blank=True)
    exam_passed = models.BooleanField(_("passed the closing exam"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise__name", "person__name"]
        verbose_name = _("campaign member")
        verbose_name_plural = _("campaign members")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="campaigns_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.campaign_id}"


class CampaignSession(models.Model):
    """A classroom session (date, place, capacity) or an online course, for a group of
    members who may come from several enterprises."""

    class Kind(models.TextChoices):
        CLASSROOM = "classroom", _("Classroom")
        ONLINE = "online", _("Online course")

    campaign = models.ForeignKey(
        RotationCampaign,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date (online: open until)"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("online course"),
    )
    members = models.ManyToManyField(
        CampaignMember, blank=True, related_name="sessions", verbose_name=_("scheduled people")
    )
    # The closing exam held as an exam session: each member's graded result is taken into
    # their record (campaigns.services.closing_exam), on grading and on asking.
    exam_session = models.ForeignKey(
        ExamSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closing exam session"),
    )

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("campaign session")
        verbose_name_plural = _("campaign sessions")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class SessionAttendance(models.Model):
    """A member's attendance at one session, recorded by the campaign's regulator."""

    session = models.ForeignKey(
        CampaignSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("session"),
    )
    member = models.ForeignKey(
        CampaignMember,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("member"),
    )
    present = models.BooleanField(_("present"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="campaigns_one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.session_id}: {self.present}"


# --------------------------------------------------------------------------- campaign months


class MonthActivity(models.Model):
    """An activity of 安全生产月 (June) or 消防宣传月 (November) at one enterprise."""

    class Month(models.TextChoices):
        SAFETY = "safety", _("Work Safety Month")
        FIRE = "fire", _("Fire Safety Publicity Month")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="month_activities",
        verbose_name=_("enterprise"),
    )
    month = models.CharField(_("campaign month"), max_length=10, choices=Month.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("activity"), max_length=200)
    held_on = models.DateField(_("held on"))
    description = models.TextField(_("what was done"), blank=True)
    participants = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("who took part")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("campaign-month activity")
        verbose_name_plural = _("campaign-month activities")

    def __str__(self) -> str:
        return f"{self.year} {self.get_month_display()} {self.title}"


class ActivityEvidence(models.Model):
    """A photo or a document kept as evidence, in the private storage (config.storage): only
    campaigns.views.months.evidence_file, which checks who asks, hands it out."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    activity = models.ForeignKey(
        MonthActivity, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="campaigns/evidence/%Y/%m/", max_length=255
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.file.name
