"""Month-end figures per enterprise and personnel category: the trend's past points.

Recomputed every night for the last twelve month-ends (reports.tasks), so a backdated
certificate or classroom session shows in the trend by the next morning; today's figures
are always computed live (reports.selectors)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from roster.models import Enterprise

from .definitions import COUNT_CODES, RATES

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
