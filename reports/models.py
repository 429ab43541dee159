"""Month-end figures per enterprise and personnel category: the trend's past points.

Recomputed every night for the last twelve month-ends (reports.tasks), so a backdated
certificate or classroom session shows in the trend by the next morning; today's figures
are always computed live (reports.selectors)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from roster.models import Enterprise

from .definitions import COUNT_CODES, FLAGS, RATES

RATE_CHOICES = [(r.code, r.label) for r in RATES]


class MonthEndFigures(models.Model):
    month_end = models.DateField(_("month end"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("personnel category"), max_length=30)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("month-end figures")
        verbose_name_plural = _("month-end figures")
        constraints = [
            models.UniqueConstraint(
                fields=["month_end", "enterprise", "category"], name="reports_month_end_unique"
            )
        ]
        indexes = [models.Index(fields=["enterprise", "month_end"], name="reports_me_ent_month")]

    def __str__(self) -> str:
        return f"{self.month_end} {self.enterprise_id} {self.category}"


class MonthEndRun(models.Model):
    """Marks a month-end as computed (also when it had no rows at all)."""

    month_end = models.DateField(unique=True)
    computed_at = models.DateTimeField(auto_now=True)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.month_end} ({self.rows})"


for _code in COUNT_CODES:
    MonthEndFigures.add_to_class(_code, models.PositiveIntegerField(default=0))


class FigureTarget(models.Model):
    """The target a region sets for one rate (持证上岗率 100 %, 参训率 …): rules as data.

    A region's figures are measured against its own target, else its nearest ancestor's,
    else the national one (no region)."""

    region = models.ForeignKey(
        "roster.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Empty: the national target, for regions without their own."),
    )
    figure = models.CharField(_("figure"), max_length=30, choices=RATE_CHOICES)
    target_percent = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("figure target")
        verbose_name_plural = _("figure targets")
        ordering = ["region__path", "figure"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "figure"],
                condition=models.Q(region__isnull=False),
                name="reports_one_target_per_region",
            ),
            models.UniqueConstraint(
                fields=["figure"],
                condition=models.Q(region__isnull=True),
                name="reports_one_national_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_figure_display()} ≥ {self.target_percent}%"


# --------------------------------------------------------------------------- maintained figures
# Today's roll-ups read these instead of recomputing every flag over the raw tables
# (reports/maintained.py keeps them, reports/rollups.py reads them).


class EmploymentFigures(models.Model):
    """One employment in force on MaintainedFiguresState.as_of, with the flags of
    reports.figures.FLAGS as figures.annotated() computes them for that date. Region and
    industry are read through the enterprise (always current); category and form are the
    employment's own, copied because the category and form tables group by them."""

    employment = models.OneToOneField(
        "roster.Employment", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=30)
    employment_form = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("employment figures")
        verbose_name_plural = _("employment figures")
        indexes = [models.Index(fields=["enterprise", "category"], name="reports_ef_ent_cat")]

    def __str__(self) -> str:
        return f"{self.employment_id} @ {self.enterprise_id}"


class EnterpriseFigures(models.Model):
    """The sums of one enterprise's EmploymentFigures: a roll-up by region, industry or
    enterprise is a GROUP BY over these small rows."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    people = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("enterprise figures")
        verbose_name_plural = _("enterprise figures")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.people}"


class EnterpriseCategoryFigures(models.Model):
    """The sums of one enterprise's EmploymentFigures of one personnel category: a roll-up
    by category, or any roll-up filtered to one category, is a GROUP BY over these rows (a
    few per enterprise) instead of over a row per employment."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=30)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("enterprise figures by category")
        verbose_name_plural = _("enterprise figures by category")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "category"], name="reports_ecf_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.category}: {self.people}"


# Written by name in reports/maintained.py (INSERT ... SELECT): a column per flag.
MAINTAINED_FLAGS = list(FLAGS)
for _flag in MAINTAINED_FLAGS:
    EmploymentFigures.add_to_class(_flag, models.PositiveIntegerField(default=0))
    EnterpriseFigures.add_to_class(_flag, models.PositiveIntegerField(default=0))
    EnterpriseCategoryFigures.add_to_class(_flag, models.PositiveIntegerField(default=0))


class MaintainedFiguresState(models.Model):
    """One row: the date the maintained figures are as of (the daily task moves it on). No
    row: never built, and every roll-up uses the live query."""

    as_of = models.DateField()
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"as of {self.as_of}"


class FiguresQueue(models.Model):
    """People, enterprises or everything whose figures must be recomputed: written after a
    committed change, drained in one batch by reports.tasks.refresh_report_figures_task."""

    person_id = models.BigIntegerField(null=True, blank=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True)
    everything = models.BooleanField(default=False)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.person_id or ''}/{self.enterprise_id or ''}/{self.everything}"
