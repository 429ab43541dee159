"""Question banks, paper rules and the exam engine's records.

Three rules from ARCHITECTURE.md shape these tables:
- an attempt is frozen: it points at QuestionVersion rows (never edited once used) and stores
  its seed, question order and each option order;
- papers are fair: a PaperSection holds exact counts per difficulty, so every paper drawn from a
  rule has the same count, points and difficulty mix;
- nothing answered is lost: each AttemptItem keeps the answer with the client's sequence number,
  so a late retry never overwrites a newer answer.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from roster.models import Enterprise, Person, Region, TrainingBody

from .choices import QuestionType

# A bank's code is the last part of its pages' addresses (/exams/banks/<code>/): a "/" in it
# saved the bank and then made every page that links it fail (no address can be built), and
# a code of dots is folded away by the browser ("/exams/banks/../"). Letters of any script,
# digits, "-", "_" and "." (not first) are kept, as the codes already in use are.
bank_code_validator = RegexValidator(
    r"^[^\W_][\w.-]*\Z",
    _(
        "A bank code is made of letters, Chinese characters, digits, “-”, “_” and “.”, "
        "and starts with a letter, Chinese character or digit."
    ),
)


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionBank(models.Model):
    """A question bank (题库), owned by a training body or, for internal exams, an enterprise.

    Ownership decides who may change the bank and everything in it (categories, questions,
    paper rules): every trainer of the owning body (colleagues share a body's banks, whoever
    wrote them), the admins of the owning enterprise, and the system admin. A bank with
    neither owner (one the system admin keeps, or one not yet assigned after the upgrade)
    is the system admin's alone. `owner` only records who made it. The reasoning is on
    roster.models.TrainingBody; the checks are question_banks/services/permissions.py.

    Shared with enterprises (`open_to_enterprises`): a training body's bank that its
    trainers open to the enterprises of the body's region (the county training centre's
    bank for the county's firms, as the seed plans' "全员…安全考试" platform asks). An
    enterprise admin there may hold internal exams on it: use its paper rules, or make a
    simple paper of their own on it (a rule with `enterprise` set). Sharing gives no right
    to change the bank, its questions or the body's rules; it only lets the enterprise draw
    papers. A bank without a training body is never shared this way.
    """

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[bank_code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Who the bank is for (Must 4 of issue 22: banks by department and post). Categories are
    # the roster's PersonnelCategory values; posts are the roster's free-text posts (工种),
    # matched exactly as the roster writes them; departments only for an enterprise's bank
    # (a training body serves many enterprises and sees none of their departments).
    personnel_categories = models.JSONField(
        _("personnel categories served"), default=list, blank=True
    )
    posts = models.JSONField(_("posts / trades served"), default=list, blank=True)
    departments = models.ManyToManyField(
        "roster.Department", blank=True, related_name="+", verbose_name=_("departments served")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    training_body = models.ForeignKey(
        TrainingBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="question_banks",
        verbose_name=_("training body"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
        help_text=_("An enterprise's own bank for its internal exams."),
    )
    open_to_enterprises = models.BooleanField(
        _("open to enterprises of the body's region"),
        default=False,
        help_text=_(
            "Enterprises in the training body's region may hold internal exams on this bank."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [
            models.CheckConstraint(
                condition=Q(training_body__isnull=True) | Q(enterprise__isnull=True),
                name="qb_bank_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Category(models.Model):
    """知识点: a tree inside one bank; `path` makes "this category and below" one prefix match."""

    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("question bank"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name = models.CharField(_("name"), max_length=200)
    path = models.CharField(
        max_length=1000, editable=False, db_index=True, verbose_name=_("tree path")
    )

    class Meta:
        ordering = ["bank", "path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["bank", "path"], name="qb_category_unique_path")
        ]

    def __str__(self) -> str:
        return self.path.strip("/").replace("/", " › ")

    def save(self, *args, **kwargs) -> None:
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.name.replace('/', '／')}/"
        super().save(*args, **kwargs)


class Question(models.Model):
    """The identity of a question; its text lives in versions (old ones stay for past attempts)."""

    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("question bank"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("category"),
    )
    qtype = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    current_version = models.ForeignKey(
        "QuestionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    # Normalised stem for near-duplicate checks on import.
    stem_key = models.CharField(
        max_length=200, blank=True, db_index=True, verbose_name=_("stem key")
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["bank", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["bank", "qtype", "difficulty", "is_active"], name="qb_q_pool"),
        ]

    def __str__(self) -> str:
        version = self.current_version
        return f"#{self.pk} {version.plain_stem[:40] if version else ''}"

    @property
    def is_case(self) -> bool:
        """A 案例分析 question (sub-questions instead of options): what templates ask, through
        the constant rather than the string."""
        return self.qtype == QuestionType.CASE


class QuestionVersion(models.Model):
    """One immutable text of a question. Editing a question adds a version; none is changed."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    stem = models.TextField(_("stem"))
    # [{"key": "A", "text": "<p>…</p>", "correct": true}, …]; keys are stable option ids.
    options = models.JSONField(_("options"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    # Case analysis: [{"qtype": "single", "stem": …, "options": […]}, …]
    sub_questions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="qb_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    @property
    def plain_stem(self) -> str:
        from django.utils.html import strip_tags

        return strip_tags(self.stem)

    @property
    def answer_key(self) -> str:
        return "".join(o["key"] for o in self.options if o.get("correct"))


class PartialCredit(models.TextChoices):
    ALL_OR_NOTHING = "all", _("All or nothing")
    HALF_FOR_SUBSET = "half", _("Half points for a correct subset")
    PROPORTIONAL = "proportional", _("Proportional, wrong choices cancel right ones")


class PaperRule(ClusterableModel):
    """组卷规则: how a paper is drawn (sections) or which questions it has (fixed)."""

    class Kind(models.TextChoices):
        RANDOM = "random", _("Random draw")
        FIXED = "fixed", _("Fixed paper")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.PROTECT,
        related_name="paper_rules",
        verbose_name=_("question bank"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RANDOM)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=120)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=2, default=80)
    partial_credit = models.CharField(
        _("multiple-choice scoring"),
        max_length=20,
        choices=PartialCredit.choices,
        default=PartialCredit.ALL_OR_NOTHING,
    )
    avoid_previous = models.BooleanField(
        _("a retake avoids the previous paper's questions"), default=True
    )
    # An enterprise's own simple paper on a bank shared with it (QuestionBank docstring):
    # the enterprise's admins change it, not the bank's training body.
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
        help_text=_("An enterprise's own paper on a question bank shared with it."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("paper rule")
        verbose_name_plural = _("paper rules")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PaperSection(models.Model):
    """One part of a random paper: exact counts per difficulty, so every paper is alike."""

    rule = ParentalKey(
        PaperRule, on_delete=models.CASCADE, related_name="sections", verbose_name=_("paper rule")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    title = models.CharField(_("title"), max_length=100, blank=True)
    qtype = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    points_each = models.DecimalField(_("points each"), max_digits=6, decimal_places=2)
    easy_count = models.PositiveIntegerField(_("easy"), default=0)
    medium_count = models.PositiveIntegerField(_("medium"), default=0)
    hard_count = models.PositiveIntegerField(_("hard"), default=0)
    categories = ParentalManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories")
    )
    tags = models.JSONField(_("only questions tagged"), default=list, blank=True)

    class Meta:
        verbose_name = _("paper section")
        ordering = ["rule", "position"]

    def __str__(self) -> str:
        return f"{self.rule.code} #{self.position} {self.get_qtype_display()} x{self.count}"

    @property
    def count(self) -> int:
        return self.easy_count + self.medium_count + self.hard_count

    def counts_by_difficulty(self) -> dict[int, int]:
        return {
            Difficulty.EASY: self.easy_count,
            Difficulty.MEDIUM: self.medium_count,
            Difficulty.HARD: self.hard_count,
        }


class FixedPaperItem(models.Model):
    """A hand-picked paper: these questions, in this order, with these points."""

    rule = ParentalKey(
        PaperRule,
        on_delete=models.CASCADE,
        related_name="fixed_items",
        verbose_name=_("paper rule"),
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    points = models.DecimalField(max_digits=6, decimal_places=2, verbose_name=_("points"))

    class Meta:
        verbose_name = _("fixed paper item")
        ordering = ["rule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "question"], name="qb_fixed_unique_question")
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} #{self.position}"


class ExamSession(models.Model):
    """考试场次: a time window in which eligible people take a paper drawn from a rule.

    Owned like its bank (a training body, or an enterprise for an internal exam) and held in
    a region: a trainer may change it when their grant names its body and their grant's
    region contains the session's region (a body examining in two counties keeps each
    county's trainers to their own sessions); an enterprise admin their enterprise's
    internal sessions; the system admin every session. Its rule is one of the owner's own.
    Once it is open some fields are locked even for the owner (services/permissions.py,
    `session_locked_fields`): a pass mark changed during an exam would change its results.
    """

    class Mode(models.TextChoices):
        PROCTORED = "proctored", _("Proctored exam room")
        ONLINE = "online", _("Open online")

    class ScorePolicy(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt counts")
        LAST = "last", _("Last attempt counts")

    class Purpose(models.TextChoices):
        """What an enterprise's internal exam is for (a training body's session: none)."""

        ALL_STAFF = "all_staff", _("All-staff exam (全员考试)")
        INDUCTION_COMPANY = "induction_company", _("Three-level education: company level")
        INDUCTION_WORKSHOP = "induction_workshop", _("Three-level education: workshop level")
        INDUCTION_TEAM = "induction_team", _("Three-level education: team level")
        VIOLATION_RETURN = "violation_return", _("Return-to-work exam after a violation (三违)")
        OTHER = "other", _("Other")
        # A round of a knowledge contest (the contests app); never an internal exam's choice.
        CONTEST = "contest", _("Knowledge contest round")

    class ResultPolicy(models.TextChoices):
        IMMEDIATELY = "immediately", _("Right after submitting")
        AFTER_CLOSE = "after_close", _("After the session closes")
        NEVER = "never", _("Not shown to the examinee")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    rule = models.ForeignKey(
        PaperRule, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("paper rule")
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), null=True, blank=True, help_text=_("Empty: the paper rule's.")
    )
    grace_seconds = models.PositiveIntegerField(_("grace for late answers (seconds)"), default=0)
    access_code = models.CharField(_("access code"), max_length=20, blank=True)
    allowed_networks = models.TextField(
        _("allowed addresses"), blank=True, help_text=_("One address or CIDR range per line.")
    )
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), default=2)
    score_policy = models.CharField(
        max_length=10,
        choices=ScorePolicy.choices,
        default=ScorePolicy.HIGHEST,
        verbose_name=_("score policy"),
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the paper rule's."),
    )
    show_result = models.CharField(
        max_length=20,
        choices=ResultPolicy.choices,
        default=ResultPolicy.IMMEDIATELY,
        verbose_name=_("show result"),
    )
    show_answers = models.CharField(
        max_length=20,
        choices=ResultPolicy.choices,
        default=ResultPolicy.AFTER_CLOSE,
        verbose_name=_("show answers"),
    )
    # Issued on passing by the certificates app (a code, so this app stays below it).
    certificate_type_code = models.CharField(
        max_length=40, blank=True, verbose_name=_("certificate type code")
    )
    # Names of registered prerequisite checks (see question_banks.prerequisites).
    prerequisites = models.JSONField(default=list, blank=True, verbose_name=_("prerequisites"))
    is_published = models.BooleanField(_("published"), default=False)
    # An internal exam's purpose. The enterprise's standing 三违 return exam is its published
    # VIOLATION_RETURN session that has not closed (question_banks/services/internal_exams.py).
    purpose = models.CharField(
        _("purpose"), max_length=30, choices=Purpose.choices, blank=True, default=""
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("An enterprise's internal exam; empty for a training body's session."),
        verbose_name=_("enterprise"),
    )
    training_body = models.ForeignKey(
        TrainingBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exam_sessions",
        verbose_name=_("training body"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held in"),
        help_text=_("The region where the exam is held."),
    )
    # Practice and mock exams on the session's bank show answer keys: during the window of a
    # session that closes practice, none of its candidates may practise on that bank.
    closes_practice = models.BooleanField(
        _("no practice on its bank during the exam"),
        null=True,
        blank=True,
        help_text=_(
            "Practice and mock exams show answer keys: when closed, no candidate of this "
            "session may practise on its bank during its window."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="qb_session_window_order"
            ),
            models.CheckConstraint(
                condition=Q(training_body__isnull=True) | Q(enterprise__isnull=True),
                name="qb_session_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # A session's own duration and pass mark, when set, override its paper rule's (an empty
    # or zero duration is the rule's). Said once here; the one-statement start
    # (services/exam_day.py) says the duration in SQL with DURATION_SQL, beside it, over its
    # aliases `session` and `rule` (tests/question_banks/test_exam_day.py holds them together).
    DURATION_SQL = "COALESCE(NULLIF(session.duration_minutes, 0), rule.duration_minutes)"

    def duration_over(self, rule: PaperRule) -> int:
        """Minutes an attempt has: the session's, else its rule's."""
        return self.duration_minutes or rule.duration_minutes

    def pass_mark_over(self, rule: PaperRule) -> Decimal:
        """The mark that passes: the session's, else its rule's."""
        return self.pass_mark if self.pass_mark is not None else rule.pass_mark

    @property
    def practice_closed(self) -> bool:
        """Whether the session closes practice on its bank during its window."""
        if self.closes_practice is None:
            return self.mode == self.Mode.PROCTORED
        return self.closes_practice


class Candidate(models.Model):
    """An eligible person in a session, with the overrides a trainer granted (who and why)."""

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="exam_candidacies")
    extra_minutes = models.PositiveIntegerField(default=0)
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    override_reason = models.CharField(max_length=200, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # 座位号 on the admission ticket: given in the order people were added, after the
    # highest seat given so far (a removed person's seat stays empty: tickets already
    # printed for the others stay right).
    seat = models.PositiveIntegerField(_("seat number"), null=True, blank=True)
    # A new 三违 puts a person who already sat the enterprise's standing return exam back on
    # its list: their attempts (and pass) from before it no longer count, so they must pass
    # it again before returning to the job. Empty: every attempt counts.
    counts_from = models.DateTimeField(_("attempts count from"), null=True, blank=True)
    # "One resit, then retrain" is checked when a person is put on the list; a resit of the
    # same item failed elsewhere afterwards is marked here when it is graded (the day of the
    # failure), so the start asks the rule again for these people only and the exam-day
    # start of everyone else costs nothing more. Empty: no such failure.
    resit_failed_on = models.DateField(
        _("failed a resit of the item elsewhere on"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("candidate")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="qb_candidate_unique"),
            models.UniqueConstraint(fields=["session", "seat"], name="qb_candidate_unique_seat"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.session_id}"


class Attempt(models.Model):
    """One sitting of a paper. Frozen when drawn: seed, versions, orders (ARCHITECTURE rule 3)."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Exam")
        MOCK = "mock", _("Mock exam")

    class Status(models.TextChoices):
        READY = "ready", _("Drawn, not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Time ran out")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attempts")
    session = models.ForeignKey(
        ExamSession, on_delete=models.CASCADE, null=True, blank=True, related_name="attempts"
    )
    rule = models.ForeignKey(PaperRule, on_delete=models.PROTECT, related_name="attempts")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OFFICIAL)
    number = models.PositiveSmallIntegerField(default=1)
    seed = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    drawn_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_points = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    section_scores = models.JSONField(default=list, blank=True)
    # The one browser tab allowed to answer; another tab or device is told why it cannot.
    client_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("attempt")
        ordering = ["-drawn_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "session"],
                condition=Q(status__in=["ready", "in_progress"], session__isnull=False),
                name="qb_one_open_attempt_per_session",
            ),
            models.UniqueConstraint(
                fields=["person", "session", "number"],
                condition=Q(session__isnull=False),
                name="qb_attempt_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="qb_attempt_overdue"),
            # Submitted, grade not written yet (seconds, normally): what the minutely sweep
            # looks for, a few rows of millions.
            models.Index(
                fields=["finished_at"],
                condition=Q(score__isnull=True, status__in=["submitted", "expired"]),
                name="qb_attempt_grading",
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk} ({self.person_id})"


class AttemptItem(models.Model):
    """One question of one attempt, pinned to a version, with its answer and sequence number."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    section = models.PositiveSmallIntegerField(default=0)
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    option_order = models.JSONField(default=list)
    answer = models.JSONField(null=True, blank=True)
    answer_seq = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("attempt item")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="qb_item_unique_position"),
            models.UniqueConstraint(fields=["attempt", "version"], name="qb_item_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class AttemptPage(models.Model):
    """An attempt's question cards and answer sheet as its exam page shows them before
    anything is answered or flagged, rendered once (when the paper is drawn ahead, or at the
    first view) in one language.

    A thousand examinees open their page at 9:00, each their own paper once: rendering a
    hundred cards cost more CPU than everything else the page does
    (bench/bench_requests.py --only page). An attempt is frozen (ARCHITECTURE rule 3), so
    only the answers and flags could change what the cards say; the page uses these only
    while the attempt has none and the request's language is this one
    (question_banks/services/exam_page.py)."""

    attempt = models.OneToOneField(
        Attempt, on_delete=models.CASCADE, primary_key=True, related_name="page"
    )
    language = models.CharField(max_length=15)
    cards = models.TextField()
    sheet = models.TextField()

    class Meta:
        verbose_name = _("exam page of an attempt")

    def __str__(self) -> str:
        return f"page of {self.attempt_id} ({self.language})"


class AttemptEvent(models.Model):
    """What happened around an attempt: focus lost, reconnects, a second client refused."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("attempt event")
        ordering = ["attempt", "at"]

    def __str__(self) -> str:
        return f"{self.attempt_id} {self.kind}"


class Regrade(models.Model):
    """A question's key fixed after a session: old and new score of each affected attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="regrades")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    old_score = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    new_score = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    reason = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    # Not stored: set by question_key_correct for the page that reports the correction.
    old_passed: bool | None
    new_passed: bool | None

    class Meta:
        verbose_name = _("regrade")

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.old_score} -> {self.new_score}"


class WrongAnswer(models.Model):
    """错题本: questions a person got wrong in practice or exams; removed when answered right."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="wrong_answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    times_wrong = models.PositiveIntegerField(default=1)
    last_wrong_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wrong answer")
        constraints = [
            models.UniqueConstraint(fields=["person", "question"], name="qb_wrong_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.question_id}"


class Favourite(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="favourite_questions")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("favourite")
        constraints = [
            models.UniqueConstraint(fields=["person", "question"], name="qb_favourite_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.question_id}"


class PracticeAnswer(models.Model):
    """Every practice answer, for the person's own progress (顺序练习 resumes from here)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="practice_answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="+")
    answer = models.JSONField()
    correct = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("practice answer")
        indexes = [models.Index(fields=["person", "question"], name="qb_practice_person_q")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.question_id} {'✓' if self.correct else '✗'}"


class QuestionImportJob(models.Model):
    """A question file uploaded on the web, from its check to its import
    (question_banks.services.import_jobs).

    The file's bytes wait here, in the database, until the import is done: out of the web
    root, and within reach of whichever worker runs the task. The report (bad rows, skipped
    questions, near-duplicates) is what the check page shows.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("bank")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    filename = models.CharField(_("file name"), max_length=200)
    fmt = models.CharField(_("format"), max_length=10)
    data = models.BinaryField(editable=False, default=b"")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the import itself was asked for: a job importing long past the task's time limit
    # lost its worker (question_import_jobs_sweep).
    import_started_at = models.DateTimeField(_("import started at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")

    def __str__(self) -> str:
        return f"{self.bank.code} · {self.filename}"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
