"""Emergency drills (应急演练): each enterprise's yearly plan, the drills it held with who took
part, the evidence, the evaluation report and its follow-up actions, and the frequency rules
(生产安全事故应急预案管理办法 art. 33, 消防安全管理规定 art. 40) kept as rows an
administrator edits, seeded by a data migration."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.storage import private_storage
from roster.models import Department, Enterprise, Industry, Person


class DrillKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive emergency plan")
    SPECIAL = "special", _("Special emergency plan")
    ONSITE = "onsite", _("On-site response plan")
    FIRE = "fire", _("Fire fighting and evacuation")


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop exercise")
    LIVE = "live", _("Live drill")


class DrillRule(models.Model):
    """How often an enterprise must drill: at least `min_count` drills of one of `kinds` per
    period, for the enterprises the rule applies to. A drill counts for every rule whose
    kinds include its kind, so one fire drill of a fire-key chemical plant satisfies both the
    fire rule and the high-risk rule of its half year."""

    class Period(models.TextChoices):
        YEAR = "year", _("Every year")
        HALF_YEAR = "half_year", _("Every half year")

    class AppliesTo(models.TextChoices):
        ALL = "all", _("Every enterprise")
        INDUSTRIES = "industries", _("Enterprises of the listed industries")
        FIRE_KEY = "fire_key", _("Fire-safety key units")
        NOT_FIRE_KEY = "not_fire_key", _("Units that are not fire-safety key units")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kinds = models.JSONField(
        _("drill kinds that count"),
        default=list,
        help_text=_("Codes: comprehensive, special, onsite, fire."),
    )
    period = models.CharField(_("period"), max_length=20, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(
        _("drills per period"), default=1, validators=[MinValueValidator(1)]
    )
    applies_to = models.CharField(
        _("applies to"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("industries")
    )
    report_to_county = models.BooleanField(_("reported to the county"), default=False)
    # The county reads a drill under such a rule as reported once its evaluation report is
    # filed; past this many days after the drill without it, the enterprise owes the report.
    # Empty: owed from the day after the drill.
    report_within_days = models.PositiveSmallIntegerField(
        _("report filed within (days after the drill)"),
        null=True,
        blank=True,
        help_text=_(
            "For rules reported to the county: the evaluation report is due this many days "
            "after the drill."
        ),
    )
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("drill frequency rule")
        verbose_name_plural = _("drill frequency rules")

    def __str__(self) -> str:
        return self.name

    def kind_labels(self) -> str:
        labels = dict(DrillKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.kinds)


class DrillPlan(models.Model):
    """An enterprise's drill plan (演练计划) for one year."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="drill_plans",
        verbose_name=_("enterprise"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("drill plan")
        verbose_name_plural = _("drill plans")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="drills_one_plan_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class PlannedDrill(models.Model):
    plan = models.ForeignKey(
        DrillPlan, on_delete=models.CASCADE, related_name="drills", verbose_name=_("drill plan")
    )
    kind = models.CharField(_("drill kind"), max_length=20, choices=DrillKind.choices)
    form = models.CharField(_("drill form"), max_length=20, choices=DrillForm.choices)
    scenario = models.CharField(_("scenario"), max_length=200)
    planned_on = models.DateField(_("planned date"))
    # 消防安全管理规定 art. 40: staff are told of a fire drill beforehand.
    staff_notified_on = models.DateField(_("staff told of the drill on"), null=True, blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments concerned")
    )
    people = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("people concerned")
    )

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("planned drill")
        verbose_name_plural = _("planned drills")

    def __str__(self) -> str:
        return f"{self.planned_on} {self.scenario}"


class DrillRecord(models.Model):
    """A drill that was held (演练记录)."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="drill_records",
        verbose_name=_("enterprise"),
    )
    planned = models.ForeignKey(
        PlannedDrill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("planned drill"),
    )
    kind = models.CharField(_("drill kind"), max_length=20, choices=DrillKind.choices)
    form = models.CharField(_("drill form"), max_length=20, choices=DrillForm.choices)
    held_on = models.DateField(_("drill date"))
    place = models.CharField(_("place"), max_length=200)
    duration_minutes = models.PositiveIntegerField(
        _("drill duration (minutes)"), validators=[MinValueValidator(1)]
    )
    organiser = models.CharField(_("organiser"), max_length=100)
    scenario = models.TextField(_("scenario run"))
    hours_credited = models.DecimalField(
        _("hours (学时) credited to each participant"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # The evaluation report (演练评估报告), filed after the drill.
    problems_found = models.TextField(_("problems found"), blank=True)
    plan_changes = models.TextField(_("changes proposed to the plan"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("drill record")
        verbose_name_plural = _("drill records")
        indexes = [models.Index(fields=["enterprise", "held_on"], name="drills_record_ent_on")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class DrillParticipant(models.Model):
    class Method(models.TextChoices):
        PICKED = "picked", _("Picked from the roster")
        CHECK_IN = "check_in", _("Checked in by phone")

    record = models.ForeignKey(
        DrillRecord,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("drill record"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="drills", verbose_name=_("person")
    )
    method = models.CharField(
        _("how recorded"), max_length=20, choices=Method.choices, default=Method.PICKED
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    credit = models.OneToOneField(
        "courses.CreditEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit entry"),
    )

    class Meta:
        ordering = ["person__name"]
        verbose_name = _("drill participant")
        verbose_name_plural = _("drill participants")
        constraints = [
            models.UniqueConstraint(fields=["record", "person"], name="drills_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.record}"


class DrillEvidence(models.Model):
    """A photo, a video or a document of a drill. The file is kept in the private storage
    (config.storage), never under the published MEDIA_ROOT: only drills.views.evidence,
    which checks who asks, hands it out."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    record = models.ForeignKey(
        DrillRecord,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("drill record"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="drills/evidence/%Y/%m/", max_length=255
    )
    title = models.CharField(_("title"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("drill evidence")
        verbose_name_plural = _("drill evidence")

    def __str__(self) -> str:
        return self.title


class DrillAction(models.Model):
    """A follow-up action (整改措施) from a drill's evaluation, tracked until closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    record = models.ForeignKey(
        DrillRecord,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("drill record"),
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.CharField(_("closing note"), max_length=300, blank=True)

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.description


class DrillReminder(models.Model):
    """That an enterprise's admins were told of one overdue obligation (rule and period), so
    the daily task tells them once per period however often it runs."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    rule = models.ForeignKey(
        DrillRule, on_delete=models.CASCADE, related_name="+", verbose_name=_("rule")
    )
    period_start = models.DateField(_("period start"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("drill reminder")
        verbose_name_plural = _("drill reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "rule", "period_start"], name="drills_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.rule_id} {self.period_start}"
