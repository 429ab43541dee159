"""Forms of the organiser's pages: they parse; contests/services decide and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, ContestRound
from contests.services.contests import PART_TYPES, ContestData, Part, RoundData
from contests.services.scope import contest_banks, organiser_enterprises, organiser_regions
from question_banks.models import Category, QuestionType
from roster.choices import PersonnelCategory
from roster.form_fields import DateField, DateTimeField, IdChoices
from roster.models import Enterprise, Industry, Region

_LOCAL = "%Y-%m-%dT%H:%M"
TYPE_LABELS = {
    QuestionType.SINGLE: _("Single choice"),
    QuestionType.MULTIPLE: _("Multiple choice"),
    QuestionType.JUDGE: _("True/false"),
}


def _when(label) -> forms.DateTimeField:
    return DateTimeField(
        label=label,
        input_formats=[_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput({"type": "datetime-local"}, format=_LOCAL),
    )


def _part_fields(form: forms.Form, prefix: str, default_points: dict) -> None:
    for qtype in PART_TYPES:
        form.fields[f"{prefix}count_{qtype}"] = forms.IntegerField(
            label=_("%(type)s: questions") % {"type": TYPE_LABELS[qtype]},
            min_value=0,
            max_value=200,
            initial=0,
            required=False,
        )
        form.fields[f"{prefix}points_{qtype}"] = forms.DecimalField(
            label=_("%(type)s: points each") % {"type": TYPE_LABELS[qtype]},
            min_value=Decimal("0.5"),
            max_value=100,
            decimal_places=1,
            initial=default_points[qtype],
            required=False,
        )


def _parts(cleaned: dict, prefix: str) -> tuple[Part, ...]:
    return tuple(
        Part(
            qtype,
            cleaned.get(f"{prefix}count_{qtype}") or 0,
            cleaned.get(f"{prefix}points_{qtype}") or Decimal(0),
        )
        for qtype in PART_TYPES
    )


POINTS = {
    QuestionType.SINGLE: Decimal(5),
    QuestionType.MULTIPLE: Decimal(5),
    QuestionType.JUDGE: Decimal(5),
}


class BankChoice(forms.ModelChoiceField):
    def label_from_instance(self, bank) -> str:
        return bank.name


class CategoryChoice(IdChoices):
    def label_from_instance(self, category) -> str:
        return f"{category.bank.name} › {category}"


class ContestForm(forms.Form):
    name = forms.CharField(label=_("Contest name"), max_length=200)
    organiser = forms.ChoiceField(label=_("Organiser"))
    organiser_name = forms.CharField(
        label=_("Organiser shown on certificates"), max_length=200, required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea({"rows": 3}), required=False
    )
    regions = IdChoices(
        label=_("Only these regions"), queryset=Region.objects.none(), required=False
    )
    industries = IdChoices(
        label=_("Only these industries"), queryset=Industry.objects.all(), required=False
    )
    enterprises = IdChoices(
        label=_("Only these enterprises"), queryset=Enterprise.objects.none(), required=False
    )
    categories = forms.MultipleChoiceField(
        label=_("Only these personnel categories"),
        choices=PersonnelCategory.choices,
        required=False,
    )
    winners_count = forms.IntegerField(
        label=_("Number of winners"), min_value=1, max_value=1000, initial=10
    )
    daily_bank = BankChoice(
        label=_("Daily questions: question bank"), queryset=None, required=False
    )
    daily_starts_on = DateField(
        label=_("Daily questions from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    daily_ends_on = DateField(
        label=_("Daily questions until"), required=False, widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, *args, actor, contest: Contest | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        regions = organiser_regions(actor)
        enterprises = organiser_enterprises(actor)
        choices = [(f"r{r.pk}", f"{r.name}（{_('regulator')}）") for r in regions[:200]]
        choices += [(f"e{e.pk}", e.name) for e in enterprises.order_by("name")[:200]]
        self.fields["organiser"].choices = choices
        self.fields["regions"].queryset = regions
        from contests.services.scope import is_system

        reach = Enterprise.objects.all() if is_system(actor) else Enterprise.objects.none()
        if not is_system(actor) and regions.exists():
            from roster.selectors import enterprise_list

            reach = enterprise_list(user=actor)
        self.fields["enterprises"].queryset = reach.order_by("name")
        self.fields["daily_bank"].queryset = self._banks(contest)
        _part_fields(self, "daily_", POINTS)
        for qtype in PART_TYPES:
            self.fields[f"daily_points_{qtype}"].initial = Decimal(1)
        if contest is not None:
            self.initial.update(
                {
                    "name": contest.name,
                    "organiser": f"r{contest.organiser_region_id}"
                    if contest.organiser_region_id
                    else f"e{contest.organiser_enterprise_id}",
                    "organiser_name": contest.organiser_name,
                    "description": contest.description,
                    "regions": list(contest.regions.all()),
                    "industries": list(contest.industries.all()),
                    "enterprises": list(contest.enterprises.all()),
                    "categories": contest.categories,
                    "winners_count": contest.winners_count,
                    "daily_starts_on": contest.daily_starts_on,
                    "daily_ends_on": contest.daily_ends_on,
                }
            )
            if contest.daily_rule_id:
                self.initial["daily_bank"] = contest.daily_rule.bank_id
                for section in contest.daily_rule.sections.all():
                    self.initial[f"daily_count_{section.qtype}"] = section.count
                    self.initial[f"daily_points_{section.qtype}"] = section.points_each

    def _banks(self, contest):
        from question_banks.models import QuestionBank

        if contest is not None:
            return contest_banks(contest)
        ids = set()
        for value, _label in self.fields["organiser"].choices:
            probe = self._probe(value)
            ids |= set(contest_banks(probe).values_list("pk", flat=True))
        return QuestionBank.objects.filter(pk__in=ids).order_by("name")

    @staticmethod
    def _probe(value: str) -> Contest:
        if value.startswith("r"):
            return Contest(organiser_region=Region.objects.get(pk=int(value[1:])))
        return Contest(organiser_enterprise=Enterprise.objects.get(pk=int(value[1:])))

    def data_for_service(self) -> ContestData:
        c = self.cleaned_data
        organiser = c["organiser"]
        region = enterprise = None
        if organiser.startswith("r"):
            region = Region.objects.get(pk=int(organiser[1:]))
        else:
            enterprise = Enterprise.objects.select_related("region").get(pk=int(organiser[1:]))
        return ContestData(
            name=c["name"],
            organiser_region=region,
            organiser_enterprise=enterprise,
            organiser_name=c.get("organiser_name") or "",
            description=c.get("description") or "",
            regions=tuple(c.get("regions") or ()),
            industries=tuple(c.get("industries") or ()),
            enterprises=tuple(c.get("enterprises") or ()),
            categories=tuple(c.get("categories") or ()),
            winners_count=c["winners_count"],
            daily_bank=c.get("daily_bank"),
            daily_parts=_parts(c, "daily_"),
            daily_starts_on=c.get("daily_starts_on"),
            daily_ends_on=c.get("daily_ends_on"),
        )

    def daily_fields(self):
        return [(self[f"daily_count_{t}"], self[f"daily_points_{t}"]) for t in PART_TYPES]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Round name"), max_length=100)
    kind = forms.ChoiceField(label=_("Round kind"), choices=ContestRound.Kind.choices)
    final_top_n = forms.IntegerField(
        label=_("Best N who enter the final"), min_value=0, initial=0, required=False
    )
    opens_at = _when(_("Opens at"))
    closes_at = _when(_("Closes at"))
    duration_minutes = forms.IntegerField(
        label=_("Time allowed (minutes)"), min_value=1, max_value=600, initial=10
    )
    attempts_allowed = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=20, initial=1
    )
    bank = BankChoice(label=_("Question bank"), queryset=None)
    categories = CategoryChoice(
        label=_("Only these categories"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args, contest: Contest, round: ContestRound | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        banks = contest_banks(contest)
        self.fields["bank"].queryset = banks
        self.fields["categories"].queryset = Category.objects.filter(bank__in=banks).select_related(
            "bank"
        )
        _part_fields(self, "", POINTS)
        if round is not None:
            session = round.session
            self.initial.update(
                {
                    "title": round.title,
                    "kind": round.kind,
                    "final_top_n": round.final_top_n,
                    "opens_at": session.opens_at,
                    "closes_at": session.closes_at,
                    "duration_minutes": session.duration_minutes,
                    "attempts_allowed": session.attempts_allowed,
                    "bank": session.rule.bank_id,
                }
            )
            for section in session.rule.sections.prefetch_related("categories"):
                self.initial[f"count_{section.qtype}"] = section.count
                self.initial[f"points_{section.qtype}"] = section.points_each
                self.initial["categories"] = list(section.categories.all())

    def data_for_service(self) -> RoundData:
        c = self.cleaned_data
        return RoundData(
            title=c["title"],
            kind=c["kind"],
            opens_at=c["opens_at"],
            closes_at=c["closes_at"],
            duration_minutes=c["duration_minutes"],
            attempts_allowed=c["attempts_allowed"],
            bank=c["bank"],
            categories=tuple(c.get("categories") or ()),
            parts=_parts(c, ""),
            final_top_n=c.get("final_top_n") or 0,
        )

    def paper_fields(self):
        return [(self[f"count_{t}"], self[f"points_{t}"]) for t in PART_TYPES]
