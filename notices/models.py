"""Notices (通知公告) with their receipts, and the shared knowledge library (信息共享).

A notice's audience is resolved to people when it is published: one receipt row per reader.
The publisher's receipt page, the readers' unread count and the acknowledgement figures then
read one indexed table instead of re-deriving "who was this for" from rosters that have
changed since. While its window is open the rows follow the rosters (notices.audience):
newcomers to the audience get one, leavers' rows are marked. A publisher may change a
notice's text and dates afterwards (edited_at tells readers) or withdraw it (withdrawn_at
hides it from them); receipts are kept either way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string

from roster.choices import PersonnelCategory
from roster.models import Department, Enterprise, Industry, Person, Region


class Notice(models.Model):
    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regulator's notice to enterprises")
        ENTERPRISE = "enterprise", _("Enterprise notice to its people")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # Cleaned HTML (a safe subset: question_banks.richtext); never rendered unclean.
    body = models.TextField(_("body"))
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    publisher_name = models.CharField(_("issuing body"), max_length=200)
    # A regulator's notice: the region subtree, optionally narrowed to industries.
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
    include_staff = models.BooleanField(_("also every employee"), default=False)
    # An enterprise's notice: its people, optionally narrowed by department, post, category.
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments")
    )
    posts = models.JSONField(_("posts"), default=list, blank=True)
    categories = models.JSONField(_("personnel categories"), default=list, blank=True)
    publish_from = models.DateTimeField(_("shown from"), default=timezone.now)
    publish_until = models.DateTimeField(_("shown until"), null=True, blank=True)
    must_acknowledge = models.BooleanField(_("must be acknowledged"), default=False)
    ack_deadline = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # After publishing: the last change of its text or dates (readers are told), and its
    # withdrawal (hidden from readers; the record and its receipts stay for the publisher).
    edited_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-publish_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="notice_window_in_order",
                condition=Q(publish_until__isnull=True)
                | Q(publish_until__gt=models.F("publish_from")),
            ),
            models.CheckConstraint(
                name="notice_ack_needs_deadline",
                condition=Q(must_acknowledge=False) | Q(ack_deadline__isnull=False),
            ),
            models.CheckConstraint(
                name="notice_has_one_audience",
                condition=(
                    Q(kind="regional") & Q(region__isnull=False) & Q(enterprise__isnull=True)
                )
                | (Q(kind="enterprise") & Q(enterprise__isnull=False) & Q(region__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def category_labels(self) -> list[str]:
        labels = dict(PersonnelCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class NoticeAttachment(models.Model):
    """A Wagtail document attached to a notice, served only through the notice's own page
    (its collection is closed to Wagtail's public document view)."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("notice")
    )
    document = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("document"),
    )

    class Meta:
        verbose_name = _("notice attachment")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.document.title


class NoticeReceipt(models.Model):
    """One reader of one notice: read when they opened it, acknowledged when they said so.

    A person without an account yet has a row with no user: they were told (through their
    enterprise) and count as not having read until they sign in."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Enterprise safety admin")
        STAFF = "staff", _("Employee")

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("notice")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_receipts",
        verbose_name=_("account"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_receipts",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("as"), max_length=10, choices=Role.choices)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue reminder sent"), null=True, blank=True)
    # Left the audience while the notice was open (left the enterprise, moved, another post
    # or category): the row keeps what they did; notices.audience says what still counts.
    left_at = models.DateTimeField(_("no longer in the audience since"), null=True, blank=True)
    # When the reader entered the audience: the notice's start for those it was published
    # to, the day they joined for a newcomer. A dated figure counts the row from then on.
    joined_at = models.DateTimeField(_("in the audience since"), default=timezone.now)
    # A late joiner's own acknowledgement deadline, when later than the notice's: their
    # joining plus the notice's acknowledgement period (notices.audience.ack_due). None:
    # the notice's deadline (it moves with the notice).
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice receipt")
        ordering = ["enterprise_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "user"],
                name="one_receipt_per_account",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["notice", "person"],
                name="one_receipt_per_person",
                condition=Q(person__isnull=False),
            ),
            models.CheckConstraint(
                name="receipt_names_a_reader",
                condition=Q(user__isnull=False) | Q(person__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="receipt_user_unread"),
            models.Index(fields=["person", "read_at"], name="receipt_person_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.name}"


class KnowledgeItem(models.Model):
    """An item of the shared library: a law, standard, policy document or accident case.

    Published by a regulator to everyone in a region subtree (no region: the whole system,
    for the system admin), or by an enterprise to its own people."""

    class Kind(models.TextChoices):
        LAW = "law", _("Laws and regulations")
        STANDARD = "standard", _("Standards and specifications")
        POLICY = "policy", _("Policy documents")
        CASE = "case", _("Accident cases")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("issued by"), max_length=200)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("date issued"))
    body = models.TextField(_("body"), blank=True)
    attachment = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attachment"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    # A regulator's item reaches the industries its publisher regulates there (none: every
    # industry): one limited to 危险化学品 does not publish to the county's 工贸 enterprises.
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("industries")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="knowledge_item_one_owner",
                condition=Q(region__isnull=True) | Q(enterprise__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title
