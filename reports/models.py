"""Month-end figures per enterprise and personnel category: the trend's past points.

Recomputed every night for the last twelve month-ends (reports.tasks), so a backdated
certificate or classroom session shows in the trend by the next morning; today's figures
are always computed live (reports.selectors)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from roster.models import Enterprise

from .definitions import COUNT_CODES


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
