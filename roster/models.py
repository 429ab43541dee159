"""Organisations, people, their employment history, accounts with roles, and the audit log."""

from __future__ import annotations

import functools

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from roster.audit_actions import AUDIT_ACTIONS

from .choices import (
    DepartmentKind,
    EmploymentForm,
    EmploymentStatus,
    PersonnelCategory,
    RegionLevel,
    Role,
)
from .identity import IdentityError, mask_id_number, parse_id_number, validate_uscc


class Region(models.Model):
    """An administrative division (GB/T 2260 for province/city/county, 9 digits for townships).

    `path` holds the codes from the province down ("/340000/340100/340102/") so that a
    regulator's subtree is one indexed prefix match.
    """

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )
    path = models.CharField(
        max_length=100, editable=False, db_index=True, verbose_name=_("tree path")
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The path is derived data; keep it in step with the parent on every save.
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from .services.regions import region_validate_code

        region_validate_code(code=self.code, level=self.level, parent=self.parent)

    def full_name(self) -> str:
        names = list(
            Region.objects.filter(code__in=[c for c in self.path.split("/") if c])
            .order_by("level")
            .values_list("name", flat=True)
        )
        return "".join(names)


class Industry(models.Model):
    """行业领域. High-risk industries get longer training (MISSION.md); the flag is data."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    high_risk = models.BooleanField(_("high-risk"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0, verbose_name=_("sort order"))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("region")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("industry")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # 消防安全重点单位 (公安部令第61号): drills fire fighting and evacuation every half year.
    fire_safety_key_unit = models.BooleanField(_("fire-safety key unit"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.uscc = validate_uscc(self.uscc)
        except IdentityError as exc:
            raise ValidationError({"uscc": str(exc)}) from exc


class TrainingBody(models.Model):
    """培训机构: the organisation that trains and examines, and the owner of question banks
    and exam sessions.

    Why the body owns them, not a trainer's account: in a county the bank and the exam are the
    training centre's (it is the body that is licensed, answers for a leaked paper and keeps
    the records); trainers come and go, and the colleagues of one body work on the same
    banks. So every trainer whose grant names the body may change its banks (their
    categories, questions and paper rules). An exam session is moreover held somewhere: it
    belongs to a body and to a region, and a trainer changes it only when their grant names
    that body and their grant's region contains the session's, so a body that examines in
    two counties keeps each county's trainers to their own sessions. Enterprises run
    internal exams on their own banks (the bank's and session's `enterprise`), which their
    enterprise admins own; the system admin may change everything. The checks themselves are
    question_banks/services/permissions.py.
    """

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("Empty until known (a body made when trainers' grants were migrated)."),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="training_bodies", verbose_name=_("region")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("training body")
        verbose_name_plural = _("training bodies")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="roster_trainingbody_unique_uscc"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.uscc:
            return
        try:
            self.uscc = validate_uscc(self.uscc)
        except IdentityError as exc:
            raise ValidationError({"uscc": str(exc)}) from exc


class Department(models.Model):
    """A department, workshop (车间) or team (班组) inside one enterprise."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("enterprise"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"], name="roster_department_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A natural person, identified by the ID number across every employer they ever have."""

    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))])
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    photo = models.ImageField(_("photo"), upload_to="people/photos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked})"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    def clean(self) -> None:
        try:
            parsed = parse_id_number(self.id_number)
        except IdentityError as exc:
            raise ValidationError({"id_number": str(exc)}) from exc
        self.id_number, self.birth_date, self.sex = parsed.value, parsed.birth_date, parsed.sex


class EmploymentQuerySet(models.QuerySet):
    def current(self) -> EmploymentQuerySet:
        return self.filter(ended_on__isnull=True)


class Employment(models.Model):
    """One stint of a person at one enterprise. At most one is current (ended_on is empty)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="employments", verbose_name=_("person")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="employments",
        verbose_name=_("enterprise"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employments",
        verbose_name=_("department"),
    )
    post = models.CharField(_("post / trade"), max_length=100, blank=True)
    category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices
    )
    employment_form = models.CharField(
        _("employment form"),
        max_length=20,
        choices=EmploymentForm.choices,
        default=EmploymentForm.REGULAR,
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.ON_POST,
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "person__name"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_on__isnull=True),
                name="roster_one_current_employment",
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "category"], name="roster_emp_ent_cat"),
            models.Index(fields=["enterprise", "ended_on"], name="roster_emp_ent_end"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.enterprise.name}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class EmploymentEvent(models.Model):
    """History of an employment: hire, status, post, category, department changes, leaving."""

    class Kind(models.TextChoices):
        HIRED = "hired", _("Hired")
        STATUS = "status", _("Status changed")
        CHANGED = "changed", _("Details changed")
        LEFT = "left", _("Left")

    employment = models.ForeignKey(
        Employment, on_delete=models.CASCADE, related_name="events", verbose_name=_("employment")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    effective_on = models.DateField(_("effective on"))
    changes = models.JSONField(default=dict, blank=True, verbose_name=_("changes"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("employment event")
        ordering = ["-effective_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on}"


class TransferRequest(models.Model):
    """An enterprise asks to take on a person who works at another enterprise now (调入申请).

    The asking enterprise never reaches the person through the request: it learns only that
    they are employed elsewhere. The current enterprise's admin (or a regulator over both
    enterprises, or the system admin) accepts or refuses; accepting ends the old employment
    and starts the new one with the fields asked for here (roster.services.transfers).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Withdrawn")
        # The person's employment ended before anyone decided (they left, or moved
        # elsewhere): the request has nothing left to transfer.
        LAPSED = "lapsed", _("Lapsed")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="transfer_requests", verbose_name=_("person")
    )
    from_employment = models.ForeignKey(
        Employment,
        on_delete=models.CASCADE,
        related_name="transfer_requests",
        verbose_name=_("current employment"),
    )
    from_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="transfers_out",
        verbose_name=_("current enterprise"),
    )
    to_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="transfers_in",
        verbose_name=_("asking enterprise"),
    )
    # What the asking enterprise wrote, kept as written: its own list shows this, never the
    # record on file.
    name = models.CharField(_("name"), max_length=50)
    department_name = models.CharField(_("department / team"), max_length=100, blank=True)
    post = models.CharField(_("post / trade"), max_length=100, blank=True)
    category = models.CharField(
        _("personnel category"), max_length=30, choices=PersonnelCategory.choices
    )
    employment_form = models.CharField(
        _("employment form"),
        max_length=20,
        choices=EmploymentForm.choices,
        default=EmploymentForm.REGULAR,
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "to_enterprise"],
                condition=Q(status="pending"),
                name="roster_one_pending_transfer_per_target",
            ),
            models.CheckConstraint(
                condition=~Q(from_enterprise=models.F("to_enterprise")),
                name="roster_transfer_between_two_enterprises",
            ),
        ]
        indexes = [
            models.Index(fields=["from_enterprise", "status"], name="roster_transfer_from"),
            models.Index(fields=["to_enterprise", "status"], name="roster_transfer_to"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.to_enterprise.name}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class User(AbstractUser):
    """An account. A trainee's account is tied to their Person; staff have role grants."""

    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("person"),
    )
    must_change_password = models.BooleanField(
        default=False, verbose_name=_("must change password")
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        if self.person_id:
            return self.person.name
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        # An account rebuilt from the cache (roster.auth) comes without its password hash,
        # which stays out of the cache, and with the session hashes it had under each
        # secret instead. Under a secret they were not made with, or once a password is
        # set, the hash is computed as Django does (loading the password if need be).
        known = self.__dict__.get("_session_auth_hashes")
        if known and "password" not in self.__dict__:
            cached = known.get(secret_fingerprint(secret or settings.SECRET_KEY))
            if cached is not None:
                return cached
        return super()._get_session_auth_hash(secret=secret)


@functools.lru_cache(maxsize=16)
def secret_fingerprint(secret: str | bytes) -> str:
    """Names a secret without revealing it (what a cached session hash was made with)."""
    return salted_hmac("roster.models.secret_fingerprint", "", secret=secret).hexdigest()[:16]


class ActivationCode(models.Model):
    """A one-time code for a person's first sign-in, handed out by their enterprise admin.

    Only a keyed hash is kept (roster.services.activation); the code itself is shown once,
    on the printed slip or in the exported workbook. It works once, until it expires, and a
    newer code for the same person voids it."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="activation_codes", verbose_name=_("person")
    )
    code_hash = models.CharField(max_length=64, verbose_name=_("code hash"))
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))
    voided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("voided at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(used_at__isnull=True, voided_at__isnull=True),
                name="roster_one_open_activation_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.created_at:%Y-%m-%d}"


class RoleGrant(models.Model):
    """What a staff account may see.

    enterprise admin: one enterprise. trainer and regulator: a region subtree and a set of
    industries (no industries = every industry in the subtree). A trainer's grant also names
    the training body they work for: what they may change (question banks, exam sessions)
    is the body's, and a session only where the grant's region reaches (see TrainingBody).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("industries")
    )
    training_body = models.ForeignKey(
        TrainingBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainer_grants",
        verbose_name=_("training body"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE_ADMIN) | Q(enterprise__isnull=False),
                name="roster_rolegrant_admin_has_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.ENTERPRISE_ADMIN) | Q(region__isnull=False),
                name="roster_rolegrant_scope_has_region",
            ),
        ]

    def __str__(self) -> str:
        target = self.enterprise or self.region
        return f"{self.get_role_display()}: {target}"


class AuditLog(models.Model):
    """Who did or saw what. Staff views and exports of personal data are written here."""

    # Shown in the Wagtail admin, which would otherwise index every row's references on
    # save: three more statements per audited action, for links nobody follows.
    wagtail_reference_index_ignore = True

    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(
        _("action"), max_length=50, db_index=True, choices=list(AUDIT_ACTIONS.items())
    )
    target_type = models.CharField(_("object type"), max_length=50, blank=True)
    target_id = models.CharField(_("object key"), max_length=64, blank=True)
    summary = models.CharField(pgettext_lazy("audit log", "summary"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="roster_audit_target")]

    def __str__(self) -> str:
        when = f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}" if self.created_at else ""
        return f"{when} {self.actor or '—'} {self.get_action_display()} {self.summary}".strip()

    @admin.display(description=_("object type"), ordering="target_type")
    def target_type_label(self) -> str:
        """The target's kind in the reader's language (the row keeps the model's label)."""
        try:
            return str(apps.get_model(self.target_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.target_type


class DispatchRestriction(models.Model):
    """A post an industry may not fill with workers of an employment form: mines (煤矿,
    非煤矿山) may not put 劳务派遣 workers in 特种作业 or underground (井下) posts.

    Rules as data (ARCHITECTURE.md rule 6): a job matches when its enterprise's industry, its
    employment form, and — when set — its personnel category and a word its post's name
    contains all agree (a row naming neither forbids the form in the whole industry).
    roster.dispatch turns the rows into one SQL condition that the regulator's figures, the
    enterprise's page and the exports share."""

    industry = models.ForeignKey(
        Industry, on_delete=models.CASCADE, related_name="+", verbose_name=_("industry")
    )
    employment_form = models.CharField(
        _("employment form"),
        max_length=20,
        choices=EmploymentForm.choices,
        default=EmploymentForm.DISPATCHED,
    )
    personnel_category = models.CharField(
        _("personnel category"),
        max_length=30,
        choices=PersonnelCategory.choices,
        blank=True,
        help_text=_("Empty: any category."),
    )
    post_contains = models.CharField(
        _("post name contains"),
        max_length=50,
        blank=True,
        help_text=_("Empty: any post. For example 井下 matches 井下电钳工."),
    )
    rule = models.CharField(
        _("rule"), max_length=200, help_text=_("What the rule says, shown beside the flag.")
    )

    class Meta:
        verbose_name = _("forbidden post for an employment form")
        verbose_name_plural = _("forbidden posts for employment forms")
        ordering = ["industry__sort_order", "pk"]

    def __str__(self) -> str:
        return self.rule
