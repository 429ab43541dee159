"""Certificate types (rules as data), certificates with their history, signing keys and the
verification log (ARCHITECTURE.md rules 5 and 6).

A certificate row never loses its dates: a renewal or a replacement is a new row that points
at the one it supersedes, and every change of state is a CertificateEvent with who and why.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.storage import private_storage
from roster.choices import PersonnelCategory
from roster.models import Enterprise, Industry, Person


class CertificateFamily(models.TextChoices):
    SPECIAL_OPERATION = "special_operation", _("Special operation certificate")
    PRINCIPAL_MANAGER = "principal_manager", _("Principal / safety manager certificate")
    CONSTRUCTION = "construction", _("Construction safety certificate (A/B/C)")
    INTERNAL = "internal", _("Internal post certificate")
    # Certificates outside the special-operation catalogue that the same people need
    # (MISSION.md): issued by market regulation, the fire service and housing-construction.
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment operator certificate")
    FIRE_OPERATOR = "fire_operator", _("Fire-system operator certificate")
    CONSTRUCTION_SPECIAL = "construction_special", _("Construction special operation certificate")


class CertificateType(models.Model):
    """One kind of certificate and its rules: validity, review cycle, numbering, issuer."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    family = models.CharField(_("family"), max_length=30, choices=CertificateFamily.choices)
    personnel_category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices
    )
    operation_category = models.CharField(_("operation category"), max_length=60, blank=True)
    operation_item = models.CharField(_("operation item"), max_length=60, blank=True)
    # Empty where the rules this product ships give no figure (MISSION.md names some types
    # without one): such a card is imported with its printed expiry, never given an invented
    # one; an administrator fills the figure in before the product issues it.
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"),
        null=True,
        blank=True,
        help_text=_("Empty: not set; the expiry printed on each card is kept as imported."),
    )
    review_interval_years = models.PositiveSmallIntegerField(
        _("review every (years)"),
        null=True,
        blank=True,
        help_text=_("Empty when the certificate has no review (复审) within its validity."),
    )
    review_training_hours = models.PositiveSmallIntegerField(_("review training hours"), default=0)
    # 特种作业操作证: after 10 years of clean, continuous work the review may be every 6 years.
    extended_review_after_years = models.PositiveSmallIntegerField(
        _("longer review cycle after (clean years)"), null=True, blank=True
    )
    extended_review_interval_years = models.PositiveSmallIntegerField(
        _("longer review cycle (years)"), null=True, blank=True
    )
    number_pattern = models.CharField(
        _("number pattern"),
        max_length=80,
        default="{year}{issuer}{seq:06d}",
        help_text=_("Fields: {year}, {issuer}, {type}, {seq:06d}, {id_number}."),
    )
    issuer_code = models.CharField(_("issuer code"), max_length=30)
    issuer_name = models.CharField(_("issuing authority"), max_length=100)
    # MISSION.md "records kept": training files ≥ 6 years for 特种作业, ≥ 3 for 主要负责人 /
    # 安全管理人员. A holder's certificates of this type, and the training records and exam
    # attempts of people of its personnel category, are kept at least this long
    # (certificates.services.retention); empty: no retention rule.
    records_kept_years = models.PositiveSmallIntegerField(
        _("records kept for at least (years)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["family", "code"]
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")

    def __str__(self) -> str:
        return self.name


class PostRequirement(models.Model):
    """A post (工种) or a personnel category that needs a certificate type (持证上岗)."""

    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("certificate type"),
    )
    personnel_category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices, blank=True
    )
    post = models.CharField(
        _("post / trade"), max_length=100, blank=True, help_text=_("Empty: every post.")
    )
    industry = models.ForeignKey(
        Industry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("industry"),
        help_text=_("Empty: every industry."),
    )

    class Meta:
        verbose_name = _("post requirement")
        verbose_name_plural = _("post requirements")

    def __str__(self) -> str:
        return f"{self.post or self.get_personnel_category_display()} → {self.certificate_type}"


class OperationAssignment(models.Model):
    """The special-operation item (操作项目) an admin set on a job whose post names none.

    A 特种作业人员 always needs a special-operation certificate; when their post maps to no
    item the gap list asks the enterprise admin to name it here (certificates.requirements).
    """

    employment = models.ForeignKey(
        "roster.Employment",
        on_delete=models.CASCADE,
        related_name="operation_assignments",
        verbose_name=_("employment"),
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.CASCADE,
        related_name="assignments",
        limit_choices_to={"family": "special_operation"},
        verbose_name=_("operation item"),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("operation item of a job")
        verbose_name_plural = _("operation items of jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["employment", "certificate_type"], name="unique_operation_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} → {self.certificate_type}"


class NumberSequence(models.Model):
    """The last number used per type, year and issuer; locked while a number is taken, so
    numbers are unique and, since the lock is held until commit, free of gaps."""

    certificate_type = models.ForeignKey(CertificateType, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    issuer_code = models.CharField(max_length=30)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_type", "year", "issuer_code"], name="unique_number_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type_id} {self.year} {self.issuer_code}: {self.last}"


class CertificateStatus(models.TextChoices):
    """The stored state. Expired, expiring and review-due follow from the dates (see
    Certificate.state), so they never need a job to flip them."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    CANCELLED = "cancelled", _("Cancelled")
    REPLACED = "replaced", _("Replaced")


class CertificateState(models.TextChoices):
    """What a reader is told: the stored status combined with the dates."""

    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring soon")
    # In force, its validity years away, but its review (复审) falls due within the window:
    # not "expiring", which would tell the holder the card itself runs out.
    REVIEW_SOON = "review_soon", _("Review due soon")
    REVIEW_DUE = "review_due", _("Review due")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    CANCELLED = "cancelled", _("Cancelled")
    REPLACED = "replaced", _("Replaced")


EXPIRING_WITHIN_DAYS = 90


def new_public_id() -> str:
    """A certificate's public id: 8 random bytes in hex, what its QR names it by (cti)."""
    return secrets.token_hex(8)


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def in_force(self, on: dt.date | None = None) -> CertificateQuerySet:
        """Valid on that date: not withdrawn, within validity, review not overdue."""
        on = on or timezone.localdate()
        return self.filter(
            status=CertificateStatus.VALID, valid_from__lte=on, valid_until__gte=on
        ).filter(Q(next_review_on__isnull=True) | Q(next_review_on__gte=on))


class Certificate(models.Model):
    class Source(models.TextChoices):
        EXAM = "exam", _("Exam passed")
        MANUAL = "manual", _("Issued by an admin")
        IMPORT = "import", _("Imported")
        RENEWAL = "renewal", _("Renewal")
        REPLACEMENT = "replacement", _("Replacement")

    number = models.CharField(_("certificate number"), max_length=64, db_index=True)
    # The number this card carried before the one-number rule renamed it (T + ID + "-2" to
    # T + ID: services/renumbering.py): a QR printed with it still finds the card.
    former_number = models.CharField(
        _("former certificate number"), max_length=64, blank=True, db_index=True
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("certificate type"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("holder")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("employer at issue"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CertificateStatus.choices, default="valid"
    )
    first_issued_on = models.DateField(_("first issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    next_review_on = models.DateField(_("review due on"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    issuer_code = models.CharField(_("issuer code"), max_length=30)
    issuer_name = models.CharField(_("issuing authority"), max_length=100)
    source = models.CharField(max_length=20, choices=Source.choices, verbose_name=_("source"))
    # Idempotency of automatic issuing: one certificate per passed attempt, ever.
    attempt = models.OneToOneField(
        "question_banks.Attempt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("exam attempt"),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    # Position in the signed status list offline verifiers download; random, never reused.
    status_index = models.PositiveIntegerField(unique=True, verbose_name=_("status list index"))
    # What the QR names the certificate by (with the status index): random, so a decoded QR
    # tells nothing about the holder (certificates/trust/tokens.py).
    public_id = models.CharField(
        max_length=32,
        unique=True,
        default=new_public_id,
        editable=False,
        verbose_name=_("public id"),
    )
    token = models.TextField(blank=True, verbose_name=_("verification token"))
    key_id = models.CharField(max_length=40, blank=True, verbose_name=_("signing key id"))
    issued_at = models.DateTimeField(default=timezone.now, verbose_name=_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [
            models.Index(fields=["valid_until"]),
            models.Index(fields=["next_review_on"]),
        ]
        constraints = [
            # Two live cards (valid or suspended) never share a number. A card that is
            # replaced, cancelled (注销) or revoked (撤销) gives its number up: the one
            # 特种作业操作证 number "T" + ID number comes back on the person's next card
            # (after 撤销 once its bar has run out).
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(status__in=("valid", "suspended")),
                name="unique_live_certificate_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person.name}"

    def state(self, on: dt.date | None = None) -> str:
        return certificate_state(
            self.status, self.valid_until, self.next_review_on, on or timezone.localdate()
        )

    def get_state_display(self, on: dt.date | None = None) -> str:
        return CertificateState(self.state(on)).label

    @property
    def number_is_id_number(self) -> bool:
        return self.number.upper() == self.person.id_number.upper()


def certificate_state(
    status: str, valid_until: dt.date, next_review_on: dt.date | None, on: dt.date
) -> str:
    """What a certificate is on a day: its status, or what its dates say while it is valid.
    (A function as well as Certificate.state: public verification reads plain rows.)"""
    if status != CertificateStatus.VALID:
        return status
    if valid_until < on:
        return CertificateState.EXPIRED
    if next_review_on and next_review_on < on:
        return CertificateState.REVIEW_DUE
    if (valid_until - on).days <= EXPIRING_WITHIN_DAYS:
        return CertificateState.EXPIRING
    if next_review_on and (next_review_on - on).days <= EXPIRING_WITHIN_DAYS:
        return CertificateState.REVIEW_SOON
    return CertificateState.VALID


class CertificateItem(models.Model):
    """One operation item (操作项目) a 特种作业操作证 lists. The card is numbered T + ID
    number and lists every item its holder may do; a second item is added here rather than
    minting a second card. The card's own type is its first item and has a row too."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="items", verbose_name=_("certificate")
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="certificate_items",
        verbose_name=_("operation item"),
    )
    first_issued_on = models.DateField(_("first issued on"))
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    # Idempotency of issuing on a passed exam, as Certificate.attempt for the first item.
    attempt = models.OneToOneField(
        "question_banks.Attempt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_item",
        verbose_name=_("exam attempt"),
    )

    class Meta:
        verbose_name = _("certificate item")
        verbose_name_plural = _("certificate items")
        ordering = ["first_issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "certificate_type"], name="unique_certificate_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.certificate_type}"


class CertificateEvent(models.Model):
    """Every change of a certificate, with who, when and why (rule 5)."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        IMPORTED = "imported", _("Imported")
        REVIEWED = "reviewed", _("Reviewed")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        REVOKED = "revoked", _("Revoked")
        CANCELLED = "cancelled", _("Cancelled")
        RENEWED = "renewed", _("Renewed")
        REPLACED = "replaced", _("Replaced")
        RESIGNED = "resigned", _("QR code signed again")
        ITEM_ADDED = "item_added", _("Operation item added")
        RENUMBERED = "renumbered", _("Number changed to the one T + ID number")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    # What justified it: the attempt, the training hours, the old dates, the new number.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("certificate event")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.kind} {self.at:%Y-%m-%d}"


class SigningKeyRecord(models.Model):
    """A certificate signing key. The private half is PKCS#8 PEM, encrypted with
    CERTIFICATE_KEY_PASSPHRASE when set; retired keys stay published for verifiers."""

    kid = models.CharField(max_length=40, unique=True)
    private_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    # The latest expiry of the certificates the key signed (set by its first one). A key that
    # signed a certificate stays published for good: see certificates.services.keys.
    not_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.kid


class Verification(models.Model):
    """One look-up of a certificate, for the holder's enterprise admin (no personal data of
    the inspector beyond a coarse network and browser)."""

    class Channel(models.TextChoices):
        WEB = "web", _("Verify page")
        API = "api", _("API")
        COMMAND = "command", _("verify_qr")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="verifications"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    result = models.CharField(max_length=30)
    network = models.CharField(max_length=50, blank=True)  # e.g. 203.0.113.0/24
    agent = models.CharField(max_length=60, blank=True)  # e.g. "Mobile Safari"

    class Meta:
        verbose_name = _("verification")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.result}"


class Reminder(models.Model):
    """A reminder sent for a certificate at a threshold; unique so it is never sent twice."""

    class Kind(models.TextChoices):
        EXPIRY = "expiry", _("Expiry")
        REVIEW = "review", _("Review")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    days_before = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind", "days_before", "due_on"], name="unique_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.kind} {self.days_before}"


class Notification(models.Model):
    """An in-app message for a user (also e-mailed when they have an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PdfBatch(models.Model):
    """A background job rendering many certificates' PDFs into one zip, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    certificate_ids = models.JSONField(default=list)
    variant = models.CharField(max_length=10, default="a4")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Whole certificates with ID numbers: private, downloaded only by who asked for them.
    file = models.FileField(storage=private_storage, upload_to="certificates/batches/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF batch")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CertificateRule(models.Model):
    """The windows and bars of a certificate family's national rules, as data (MISSION.md,
    "The rules the product encodes"). An empty field means the family has no such rule; a
    province that differs edits the row in the admin. Enforced in
    certificates.services.windows, shown to the holder and their admin as "what, by when"."""

    family = models.CharField(
        _("certificate family"), max_length=30, choices=CertificateFamily.choices, unique=True
    )
    review_apply_days_before = models.PositiveSmallIntegerField(
        _("review applied for at least (days before it is due)"), null=True, blank=True
    )
    renew_apply_days_before = models.PositiveSmallIntegerField(
        _("renewal applied for at least (days before expiry)"), null=True, blank=True
    )
    renew_window_months = models.PositiveSmallIntegerField(
        _("renewal applied for within (months before expiry)"), null=True, blank=True
    )
    renew_barred_by_records = models.BooleanField(
        _("renewal refused after an accident penalty or bad credit record"), default=False
    )
    # 建筑施工 延续 "granted when training was done": each whole calendar year of the validity
    # before the application has the yearly hours of the holder's category (courses.HoursRule)
    # credited in the hours ledger.
    renew_needs_yearly_training = models.BooleanField(
        _("renewal needs the yearly training hours of each year of the validity"), default=False
    )
    assess_within_months = models.PositiveSmallIntegerField(
        _("high-risk industries: assessed within (months of taking the post)"),
        null=True,
        blank=True,
    )
    revocation_bar_years = models.PositiveSmallIntegerField(
        _("after revocation, no new application for (years)"), null=True, blank=True
    )
    away_practical_months = models.PositiveSmallIntegerField(
        _("away from the post this long (months): practical exam again"), null=True, blank=True
    )
    theory_valid_months = models.PositiveSmallIntegerField(
        _("a theory pass is usable for the practical exam for (months)"), null=True, blank=True
    )
    practical_pass_mark = models.DecimalField(
        _("practical exam pass mark"), max_digits=5, decimal_places=1, default=80
    )
    # 复审 from the records: a passed review exam, the latest health check fit, and no
    # repeated 三违 or accident penalty during the validity (特种作业).
    review_needs_exam = models.BooleanField(_("review needs a passed review exam"), default=False)
    review_refused_unfit = models.BooleanField(
        _("review refused after a failed health check"), default=False
    )
    # 30号令: 违章操作 with serious consequences or twice or more, or a penalty, in the
    # validity. A 三违 record (courses.ViolationRetraining) carries its severity: one serious
    # record refuses the review, and this many of any severity do.
    review_refused_violations = models.PositiveSmallIntegerField(
        _("review refused after this many violations (三违) in the validity"),
        null=True,
        blank=True,
    )
    review_refused_serious_violation = models.BooleanField(
        _("review refused after one serious violation (严重违章) in the validity"), default=False
    )
    review_refused_by_accident = models.BooleanField(
        _("review refused after an accident penalty in the validity"), default=False
    )
    # "One resit (补考), then retrain": after the first exam and this many resits fail, a new
    # candidacy for the item waits for this many 学时 of training credited after the last one.
    resits_allowed = models.PositiveSmallIntegerField(
        _("resits allowed before retraining"), null=True, blank=True
    )
    retrain_hours = models.DecimalField(
        _("training hours needed after a failed resit"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate rules")
        ordering = ["family"]

    def __str__(self) -> str:
        return str(CertificateFamily(self.family).label)


class PracticalExam(models.Model):
    """实际操作考试: taken only with a theory pass still usable (theory_valid_months); who
    recorded it and which theory pass it rested on are kept (an attempt here, or the date and
    score of a theory exam held elsewhere, typed when the certificate is issued by hand)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="practical_exams", verbose_name=_("person")
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("operation item"),
    )
    taken_on = models.DateField(_("exam date"))
    examiner = models.CharField(_("examiner"), max_length=50)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("passed"))
    theory_attempt = models.ForeignKey(
        "question_banks.Attempt",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("theory pass"),
        null=True,
        blank=True,
    )
    # An exam held elsewhere (a certificate issued by hand): the theory result as the admin
    # typed it from the other body's record, in place of an attempt here.
    theory_taken_on = models.DateField(_("theory exam date"), null=True, blank=True)
    theory_score = models.DecimalField(
        _("theory exam score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("practical exam")
        verbose_name_plural = _("practical exams")
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["person", "taken_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.certificate_type_id} {self.taken_on}"


class ConductRecord(models.Model):
    """An accident penalty (事故行政处罚) or bad credit record (不良信用记录) of a person: it
    bars a construction renewal (延续) and breaks the clean years a longer review cycle needs.
    三违 come from courses.ViolationRetraining."""

    class Kind(models.TextChoices):
        ACCIDENT_PENALTY = "accident_penalty", _("Accident penalty")
        BAD_CREDIT = "bad_credit", _("Bad credit record")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="conduct_records", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("accident or credit record")
        verbose_name_plural = _("accident and credit records")
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.on}"


class HealthCheck(models.Model):
    """体检: a person's health check on a day, fit or unfit for their special operation;
    entered by their enterprise admin. The latest one before a review (复审) decides it: an
    unfit result refuses the review (certificates.services.windows.review_records_check)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="health_checks", verbose_name=_("person")
    )
    on = models.DateField(_("date of the health check"))
    fit = models.BooleanField(_("fit for the operation"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["person", "on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.on} {'fit' if self.fit else 'unfit'}"


class WindowNotice(models.Model):
    """The receipt of a missed-window notification: unique per window, so a second run of the
    daily task (or a retried one) notifies nobody twice."""

    key = models.CharField(max_length=120, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("missed-window notice")

    def __str__(self) -> str:
        return self.key
