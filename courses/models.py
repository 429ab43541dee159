"""Courses and warning education as Wagtail pages; hours rules, plans, study progress and the
training records behind each person's file (一人一档).

Pages: CourseIndexPage > CoursePage > LessonPage, and WarningCaseIndexPage > WarningCasePage.
Records: the hours each category needs (rules as data, ARCHITECTURE.md rule 6), what each
person studied and was credited (online from heartbeats, offline from classroom sessions),
training plans and their assignments, 三级安全教育 and 三违 retraining.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.documents import get_document_model_string
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index

from config.storage import private_storage
from roster.choices import PersonnelCategory
from roster.models import Department, Enterprise, Industry, Person

from .audience import course_is_for, person_audience
from .forms import CoursePageForm
from .lesson_form import DOCUMENT, TEXT, VIDEO, LessonPageForm, shown_for


class TrainingKind(models.TextChoices):
    INITIAL = "initial", _("Initial training")
    RETRAINING = "retraining", _("Annual retraining")
    PRE_JOB = "pre_job", _("Pre-job training")
    REVIEW = "review", _("Review training")
    SPECIAL = "special", _("Special training")


def _content_blocks():
    return [
        ("heading", blocks.CharBlock(form_classname="title", label=_("Heading"))),
        ("paragraph", blocks.RichTextBlock(label=_("Paragraph"))),
        ("image", ImageChooserBlock(label=_("Image"))),
        ("document", DocumentChooserBlock(label=_("Document"))),
    ]


# --------------------------------------------------------------------------- pages
# Each page's get_context holds its own listing queries (as bakerydemo's pages do), so the
# pages need no module that imports them back.

CASES_PER_PAGE = 20


@dataclass
class CourseListing:
    for_you: list = field(default_factory=list)
    others: list = field(default_factory=list)


class CourseIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind", "")
        context.update(kinds=TrainingKind.choices, kind="")
        if kind and kind not in dict(TrainingKind.choices):
            context["kind_error"] = _("Unknown training kind; showing every course.")
            kind = ""
        context["kind"] = kind
        listing = self.course_listing(user=request.user, kind=kind)
        context["listing"] = listing
        context["sections"] = [
            {"id": "for-you", "title": _("Courses for you"), "courses": listing.for_you},
            {
                "id": "other-courses",
                "title": _("Other courses") if listing.for_you else _("All courses"),
                "courses": listing.others,
            },
        ]
        return context

    def course_listing(self, *, user, kind: str = "") -> CourseListing:
        """Live courses below this index (optionally of one training kind), the person's own
        ones first."""
        courses = CoursePage.objects.live().child_of(self).prefetch_related("industries")
        courses = courses.order_by("path")
        if kind:
            courses = courses.filter(training_kind=kind)
        # One query for every course's lesson count: a lesson's parent path is its own minus
        # a step.
        paths = LessonPage.objects.live().values_list("path", flat=True)
        lesson_counts = Counter(path[: -Page.steplen] for path in paths)
        listing = CourseListing()
        audience = person_audience(user)
        for course in courses:
            course.lesson_count = lesson_counts[course.path]
            (listing.for_you if course_is_for(course, audience) else listing.others).append(course)
        return listing


class CoursePage(Page):
    """A course: lessons below it, for given personnel categories and industries."""

    summary = models.TextField(_("summary"), blank=True)
    training_kind = models.CharField(
        _("training kind"), max_length=20, choices=TrainingKind.choices
    )
    # PersonnelCategory values; empty means every category.
    personnel_categories = models.JSONField(_("personnel categories"), default=list, blank=True)
    industries = ParentalManyToManyField(
        Industry, blank=True, verbose_name=_("industries"), related_name="+"
    )
    nominal_hours = models.DecimalField(
        _("nominal hours (学时)"), max_digits=5, decimal_places=1, default=Decimal(0)
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("training_kind"),
                FieldPanel("personnel_categories"),
                FieldPanel("industries"),
                FieldPanel("nominal_hours"),
            ],
            heading=_("Who it is for"),
        ),
        FieldPanel("cover"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lessons = list(self.live_lessons())
        for lesson in lessons:
            lesson.length_minutes = -(-lesson.credit_seconds // 60)  # rounded up
        context["lessons"] = lessons
        context["industries"] = list(self.industries.all())
        context["is_for_me"] = course_is_for(self, person_audience(request.user))
        return context

    def live_lessons(self):
        """The live lessons of the course in the order the editor arranged them."""
        return LessonPage.objects.live().child_of(self).order_by("path")

    def category_labels(self) -> list[str]:
        labels = dict(PersonnelCategory.choices)
        return [str(labels.get(value, value)) for value in self.personnel_categories]


class LessonPage(Page):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")
        TEXT = "text", _("Text")

    kind = models.CharField(_("lesson kind"), max_length=10, choices=Kind.choices)
    video = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("video file"),
    )
    duration_seconds = models.PositiveIntegerField(_("video length (seconds)"), default=0)
    document = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document (PDF)"),
    )
    body = StreamField(_content_blocks(), blank=True, verbose_name=_("text"))
    min_reading_minutes = models.PositiveIntegerField(
        _("minimum reading time (minutes)"),
        default=10,
        help_text=_("Documents and text credit the time on the page, up to this."),
    )

    # Each kind shows only its own fields (courses/lesson_form.py checks them on saving).
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldPanel("video"), FieldPanel("duration_seconds")],
            heading=_("Video"),
            attrs=shown_for(VIDEO),
        ),
        FieldPanel("document", attrs=shown_for(DOCUMENT)),
        FieldPanel("body"),
        FieldPanel("min_reading_minutes", attrs=shown_for(DOCUMENT, TEXT)),
    ]
    base_form_class = LessonPageForm
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    @property
    def credit_seconds(self) -> int:
        """The most this lesson can credit: the video's length or the reading time."""
        if self.kind == self.Kind.VIDEO:
            return self.duration_seconds
        return self.min_reading_minutes * 60


class WarningCaseIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.WarningCasePage"]
    max_count = 1

    class Meta:
        verbose_name = _("warning education index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        industry = request.GET.get("industry", "")
        industries = self.case_industries()
        context.update(industries=industries, industry=None)
        if industry:
            context["industry"] = next((i for i in industries if i.code == industry), None)
            if context["industry"] is None:
                context["industry_error"] = _("No cases for that industry; showing every case.")
                industry = ""
        paginator = Paginator(self.live_cases(industry=industry), CASES_PER_PAGE)
        context["cases"] = paginator.get_page(request.GET.get("page"))
        context["total"] = paginator.count
        context["querystring"] = f"industry={industry}" if industry else ""
        return context

    def live_cases(self, *, industry: str = ""):
        cases = WarningCasePage.objects.live().child_of(self).select_related("industry")
        if industry:
            cases = cases.filter(industry__code=industry)
        return cases.order_by("-occurred_on", "-pk")

    def case_industries(self) -> list[Industry]:
        """Industries that have live cases here, each with `case_count`, in catalogue order."""
        counts = dict(
            self.live_cases()
            .order_by()
            .values_list("industry_id")
            .annotate(n=Count("pk"))
            .values_list("industry_id", "n")
        )
        industries = list(Industry.objects.filter(pk__in=counts).order_by("sort_order", "code"))
        for industry in industries:
            industry.case_count = counts[industry.pk]
        return industries


class WarningCasePage(Page):
    """An accident case for warning education (警示教育). Fictional in the demo."""

    occurred_on = models.DateField(_("date of the accident"))
    place = models.CharField(_("place"), max_length=200)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="+", verbose_name=_("industry")
    )
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    injuries = models.PositiveIntegerField(_("injuries"), default=0)
    direct_loss = models.DecimalField(
        _("direct economic loss (10,000 yuan)"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
    )
    summary = models.TextField(_("what happened"))
    direct_cause = RichTextField(_("direct cause"))
    root_cause = RichTextField(_("root cause"))
    lessons = RichTextField(_("lessons"))
    video = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("video file"),
    )
    body = StreamField(_content_blocks(), blank=True, verbose_name=_("more"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("occurred_on"),
                FieldPanel("place"),
                FieldPanel("industry"),
                FieldPanel("deaths"),
                FieldPanel("injuries"),
                FieldPanel("direct_loss"),
            ],
            heading=_("The accident"),
        ),
        FieldPanel("summary"),
        FieldPanel("direct_cause"),
        FieldPanel("root_cause"),
        FieldPanel("lessons"),
        FieldPanel("video"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("place"),
        index.SearchField("direct_cause"),
        index.SearchField("root_cause"),
        index.SearchField("lessons"),
        index.FilterField("industry"),
        index.FilterField("occurred_on"),
    ]
    parent_page_types = ["courses.WarningCaseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("warning case")
        ordering = ["-occurred_on"]


# --------------------------------------------------------------------------- rules


# AQ 8011-2023: an online 学时 is at least 30 minutes of study. A national floor, not a
# provincial choice: a setting below it would credit hours nobody studied.
ONLINE_MINUTES_FLOOR = 30


def validate_online_minutes(value: int) -> None:
    if value < ONLINE_MINUTES_FLOOR:
        raise ValidationError(
            _(
                "An online 学时 must be at least %(floor)s minutes (AQ 8011-2023); "
                "%(value)s minutes is refused."
            ),
            code="below_floor",
            params={"floor": ONLINE_MINUTES_FLOOR, "value": value},
        )


@register_setting(icon="time")
class StudySettings(BaseGenericSetting):
    """How study time becomes 学时, and the idle checks (rules as data)."""

    online_minutes_per_hour = models.PositiveSmallIntegerField(
        _("online minutes per 学时"),
        default=45,
        validators=[validate_online_minutes],
        help_text=_("At least 30 minutes (AQ 8011-2023)."),
    )
    classroom_minutes_per_hour = models.PositiveSmallIntegerField(
        _("classroom minutes per 学时"), default=45
    )
    idle_check_min_minutes = models.PositiveSmallIntegerField(
        _("idle check at the earliest after (minutes)"), default=5
    )
    idle_check_max_minutes = models.PositiveSmallIntegerField(
        _("idle check at the latest after (minutes)"), default=15
    )
    webcam_snapshots = models.BooleanField(
        _("ask for webcam snapshots (with the learner's consent)"), default=False
    )
    # 三级安全教育: back on the post after at least this long away, the workshop and team
    # levels are held again (MISSION.md: "back after ≥ 1 year away"; a province may differ).
    return_after_days = models.PositiveSmallIntegerField(
        _("back after this long away (days): workshop and team levels again"),
        default=365,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("study settings")


class HoursRule(models.Model):
    """The hours a personnel category needs for a kind of training (MISSION.md defaults).

    A rule without an industry holds for every industry of its risk class (high-risk or
    ordinary); a rule naming an industry holds there instead, for its training kind (the
    construction workers' 32 new / 20 a year). `required_days` asks for that many separate
    days of training on top of the hours (the principal's special training of 3 days)."""

    class Period(models.TextChoices):
        ONCE = "once", _("Once, on taking the post")
        YEARLY = "yearly", _("Every year")

    personnel_category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices
    )
    training_kind = models.CharField(
        _("training kind"), max_length=20, choices=TrainingKind.choices
    )
    high_risk = models.BooleanField(_("high-risk industry"))
    industry = models.ForeignKey(
        Industry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry"),
        help_text=_(
            "Empty: every industry of the risk class above. An industry: this rule replaces "
            "the general one of the same training kind there."
        ),
    )
    required_hours = models.DecimalField(_("required hours (学时)"), max_digits=5, decimal_places=1)
    required_days = models.PositiveSmallIntegerField(
        _("required days"),
        default=0,
        help_text=_("Separate days of training needed on top of the hours (0: no day count)."),
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)

    class Meta:
        verbose_name = _("hours rule")
        verbose_name_plural = _("hours rules")
        ordering = ["personnel_category", "training_kind", "high_risk"]
        constraints = [
            models.UniqueConstraint(
                fields=["personnel_category", "training_kind", "high_risk"],
                condition=models.Q(industry__isnull=True),
                name="unique_hours_rule",
            ),
            models.UniqueConstraint(
                fields=["personnel_category", "training_kind", "industry"],
                condition=models.Q(industry__isnull=False),
                name="unique_hours_rule_per_industry",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_personnel_category_display()} · {self.get_training_kind_display()}"
            f"{' · 高危' if self.high_risk else ''}"
            f"{' · ' + str(self.industry) if self.industry_id else ''}: {self.required_hours}"
        )


# --------------------------------------------------------------------------- plans


class TrainingPlan(models.Model):
    """An enterprise's assignment of courses to people, with a due date."""

    class Target(models.TextChoices):
        CATEGORY = "category", _("By personnel category")
        DEPARTMENT = "department", _("By department")
        LIST = "list", _("A list of people")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="training_plans",
        verbose_name=_("enterprise"),
    )
    title = models.CharField(_("title"), max_length=200)
    courses = models.ManyToManyField(CoursePage, related_name="+", verbose_name=_("courses"))
    target = models.CharField(_("assigned"), max_length=20, choices=Target.choices)
    personnel_category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices, blank=True
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    due_on = models.DateField(_("due on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training plan")

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """One person's course from a plan; done when every lesson is complete."""

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("training plan"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("person")
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    assigned_at = models.DateTimeField(default=timezone.now, verbose_name=_("assigned at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))

    class Meta:
        verbose_name = _("assignment")
        constraints = [
            models.UniqueConstraint(fields=["plan", "person", "course"], name="unique_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.course_id}"


# --------------------------------------------------------------------------- study


class StudyStream(models.Model):
    """One person's live study state (courses.credit.StreamState as JSON): one lesson and
    one client at a time. Locked per heartbeat."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="study_stream")
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("study stream")

    def __str__(self) -> str:
        return str(self.person_id)


class LessonProgress(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    credited_seconds = models.PositiveIntegerField(default=0)
    furthest_seconds = models.FloatField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)  # documents and text
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["person", "lesson"], name="unique_lesson_progress")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.lesson_id}: {self.credited_seconds}s"


class HeartbeatLog(models.Model):
    """Every heartbeat and what it earned, for the auditor (forged ones are kept too)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.SET_NULL, null=True, related_name="+")
    # What was read or watched: the lesson, or an assigned warning case (which is no lesson),
    # so an auditor can tell every tick's page, whatever kind of page it is.
    page = models.ForeignKey(
        Page, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_id = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    position = models.FloatField()
    at = models.DateTimeField()
    result = models.CharField(max_length=20)
    credited_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("heartbeat log")
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.at:%H:%M:%S} {self.result}"


class AttendanceSnapshot(models.Model):
    """A webcam picture taken with the learner's consent, as attendance evidence."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.SET_NULL, null=True, related_name="+")
    taken_at = models.DateTimeField(default=timezone.now)
    # A face: kept out of MEDIA_ROOT, which the web publishes, under a random name.
    image = models.ImageField(storage=private_storage, upload_to="courses/snapshots/%Y/%m/")

    class Meta:
        verbose_name = _("attendance snapshot")

    def __str__(self) -> str:
        return f"{self.person_id} {self.taken_at:%Y-%m-%d %H:%M}"


class CreditEntry(models.Model):
    """The hours ledger: what a person was credited, when, from what. Compliance sums it."""

    class Source(models.TextChoices):
        ONLINE = "online", _("Online study")
        CLASSROOM = "classroom", _("Classroom session")
        SAFETY_EDUCATION = "safety_education", _("Three-level safety education")
        DRILL = "drill", _("Emergency drill")
        WARNING_EDUCATION = "warning_education", _("Warning education")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    training_kind = models.CharField(
        _("training kind"), max_length=20, choices=TrainingKind.choices
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    classroom = models.ForeignKey(
        "ClassroomSession", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("credit entry")
        indexes = [
            models.Index(fields=["person", "on"]),
            # The regulator's hours figures sum one person's kind of training over a period.
            models.Index(
                fields=["person", "training_kind", "on"],
                include=["source", "minutes"],
                name="courses_credit_person_kind_on",
            ),
        ]
        constraints = [
            # Online credit accumulates in one row per person, lesson and day.
            models.UniqueConstraint(
                fields=["person", "lesson", "on"],
                condition=models.Q(source="online"),
                name="unique_online_credit_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.on} {self.minutes} min"


class ClassroomSession(models.Model):
    """Offline training an admin records; it credits the attendees."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="classroom_sessions",
        verbose_name=_("enterprise"),
    )
    title = models.CharField(_("title"), max_length=200)
    training_kind = models.CharField(
        _("training kind"), max_length=20, choices=TrainingKind.choices
    )
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours (学时)"), max_digits=4, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=100)
    attendees = models.ManyToManyField(
        Person, related_name="classroom_sessions", verbose_name=_("attendees")
    )
    # Attendees' names and signatures: private, served by a view that checks who asks.
    sign_in_sheet = models.FileField(
        _("sign-in sheet"),
        storage=private_storage,
        upload_to="courses/sign-in/%Y/",
        max_length=255,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("classroom session")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class SafetyEducationRecord(models.Model):
    """三级安全教育: company, workshop and team level, before work and again after a post
    change or a year away (workshop and team levels)."""

    class Level(models.TextChoices):
        COMPANY = "company", _("Company level")
        WORKSHOP = "workshop", _("Workshop level")
        TEAM = "team", _("Team level")

    class Reason(models.TextChoices):
        NEW_HIRE = "new_hire", _("New employee")
        POST_CHANGE = "post_change", _("Post change")
        RETURN = "return", _("Back after a year or more away")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="safety_education", verbose_name=_("person")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours (学时)"), max_digits=4, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("safety education record")
        ordering = ["held_on", "level"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.level} {self.held_on}"


class SafetyEducationBeforeGoLive(models.Model):
    """三级安全教育 a person had at this enterprise before the product went live, on paper:
    marked by the enterprise admin with a reason (for one person, or for everyone hired
    before a date) instead of typing each level again. It stands for every level of the
    new-hire education; a post change or return after `done_by` still asks for more."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    reason = models.CharField(_("reason"), max_length=300)
    done_by = models.DateField(_("done by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("safety education done before go-live")
        verbose_name_plural = _("safety education done before go-live")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "enterprise"], name="one_go_live_mark_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.done_by}"


class ViolationRetraining(models.Model):
    """三违 (violating rules, orders or discipline): off the job until retrained and the
    linked exam is passed; the exam engine's prerequisite check asks here.

    The severity is what the 特种作业 review reads (30号令: 违章操作 with serious consequences,
    or twice or more, refuses the review): one serious record is enough, ordinary ones count."""

    class Severity(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary (一般)")
        SERIOUS = "serious", _("Serious (严重)")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="violations", verbose_name=_("person")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    violation = models.CharField(_("violation"), max_length=300)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.ORDINARY
    )
    off_job_from = models.DateField(_("off the job from"))
    exam_session = models.ForeignKey(
        "question_banks.ExamSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exam to pass before returning"),
    )
    returned_on = models.DateField(_("back on the job on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("violation retraining")
        ordering = ["-off_job_from"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.off_job_from}"
