"""The question workbench's forms (/exams/banks/): a bank, a category, a question.

They parse and check what was typed, with each mistake said beside its field or part; the
services (services/banks.py, services/questions.py) check ownership and the same rules
again when they write. A question's texts go through authoring.py (plain text and images
in the form, cleaned HTML in the bank).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from question_banks.authoring import RichText, merge, to_form
from question_banks.models import Category, Difficulty, Question, QuestionBank, QuestionType
from question_banks.services.question_images import question_image_check
from roster.choices import PersonnelCategory
from roster.form_fields import IdChoices
from roster.models import Department

OPTION_KEYS = "ABCDEF"
SUB_KEYS = "ABCDE"
SUB_COUNT = 5
SUB_TYPES = [
    (QuestionType.SINGLE, QuestionType.SINGLE.label),
    (QuestionType.MULTIPLE, QuestionType.MULTIPLE.label),
    (QuestionType.JUDGE, QuestionType.JUDGE.label),
]
_SEPARATORS = re.compile(r"[\n,，、;；]+")
JUDGE_TEXTS = {"A": "正确", "B": "错误"}


def split_list(value: str) -> list[str]:
    items = []
    for item in _SEPARATORS.split(value or ""):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


class BankForm(forms.ModelForm):
    personnel_categories = forms.MultipleChoiceField(
        label=_("Personnel categories served"),
        choices=PersonnelCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    posts_text = forms.CharField(
        label=_("Posts / trades served"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("As written on the roster, separated by 、 or commas, e.g. 电工、焊工."),
    )
    departments = IdChoices(
        label=_("Departments served"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ChoiceField(label=_("Belongs to"), required=False)

    class Meta:
        model = QuestionBank
        fields = ["code", "name", "description", "open_to_enterprises"]
        labels = {
            "code": _("Bank code"),
            "name": _("Bank name"),
            "description": _("Description"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners=(), departments=None, **kwargs):
        """`owners`: (value, label) of whom a new bank may belong to when there is a
        choice; `departments`: the departments the bank's enterprise has."""
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.initial["personnel_categories"] = self.instance.personnel_categories
            self.initial["posts_text"] = "、".join(self.instance.posts or [])
            self.initial["departments"] = list(self.instance.departments.all())
        if len(owners) > 1 and not self.instance.pk:
            self.fields["owner"].choices = [("", "—"), *owners]
            self.fields["owner"].required = True
        else:
            del self.fields["owner"]
        if self.instance.enterprise_id or (
            owners and all(value.startswith("enterprise_id:") for value, _label in owners)
        ):
            # An enterprise's own bank serves its own people; only a body's bank is shared.
            del self.fields["open_to_enterprises"]
        if departments is None:
            del self.fields["departments"]
        else:
            self.fields["departments"].queryset = departments

    def clean_posts_text(self):
        posts = split_list(self.cleaned_data["posts_text"])
        if any(len(p) > 100 for p in posts):
            raise ValidationError(_("A post has at most 100 characters."))
        return posts


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Category name"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Under"), queryset=Category.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args, bank: QuestionBank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = bank.categories.order_by("path")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the category a name."))
        return name


class QuestionForm(forms.Form):
    """One question of any type. Options A–F for single and multiple choice, 正确/错误 for a
    true/false question, and up to five parts (single, multiple or true/false, options A–E)
    for a case question. Errors of a group (the options, a part) are in `group_errors`."""

    qtype = forms.ChoiceField(label=_("Question type"), choices=QuestionType.choices)
    stem = forms.CharField(
        label=_("Question text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    stem_image = forms.FileField(label=_("Add an image to the question text"), required=False)
    judge_answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[("A", _("True")), ("B", _("False"))],
        required=False,
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label="—"
    )
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"), choices=Difficulty.choices, coerce=int, initial=Difficulty.MEDIUM
    )
    shuffle_options = forms.BooleanField(
        label=_("Shuffle the options for each examinee"), required=False, initial=True
    )
    personnel_categories = forms.MultipleChoiceField(
        label=_("Personnel categories served"),
        choices=PersonnelCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    posts = forms.CharField(
        label=_("Posts / trades served"),
        required=False,
        help_text=_("Separated by 、 or commas."),
    )

    def __init__(self, *args, bank: QuestionBank, question: Question | None = None, **kwargs):
        self.bank, self.question = bank, question
        initial = kwargs.pop("initial", None) or {}
        if question is not None:
            initial = {**self._initial_of(question), **initial}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["category"].queryset = bank.categories.order_by("path")
        if question is not None:
            self.fields["qtype"].disabled = True  # a paper section draws one type
        for key in OPTION_KEYS:
            self.fields[f"opt_{key}"] = forms.CharField(
                label=_("Option %s") % key, required=False, max_length=2000
            )
            self.fields[f"opt_{key}_correct"] = forms.BooleanField(
                label=_("Right answer"), required=False
            )
            self.fields[f"opt_{key}_image"] = forms.FileField(
                label=_("Image for option %s") % key, required=False
            )
            self.fields[f"opt_{key}_keep"] = forms.MultipleChoiceField(
                required=False,
                choices=self._image_choices(f"opt_{key}_keep"),
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["stem_keep"] = forms.MultipleChoiceField(
            required=False,
            choices=self._image_choices("stem_keep"),
            widget=forms.CheckboxSelectMultiple,
        )
        for i in range(SUB_COUNT):
            self.fields[f"sub{i}_qtype"] = forms.ChoiceField(
                label=_("Type"), choices=SUB_TYPES, required=False
            )
            self.fields[f"sub{i}_stem"] = forms.CharField(
                label=_("Part %s") % (i + 1),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self._image_fields(f"sub{i}", _("Add an image to part %s") % (i + 1))
            for key in SUB_KEYS:
                self.fields[f"sub{i}_{key}"] = forms.CharField(
                    label=_("Option %s") % key, required=False, max_length=2000
                )
                self.fields[f"sub{i}_{key}_correct"] = forms.BooleanField(
                    label=_("Right answer"), required=False
                )
                self._image_fields(f"sub{i}_{key}", _("Image for option %s") % key)
        self.group_errors: dict[str, list[str]] = {}

    def _image_fields(self, prefix: str, label) -> None:
        """An upload and the stored images to keep, for a text of a case's part (the case's
        own text and the options of a single question have theirs declared above)."""
        self.fields[f"{prefix}_image"] = forms.FileField(label=label, required=False)
        self.fields[f"{prefix}_keep"] = forms.MultipleChoiceField(
            required=False,
            choices=self._image_choices(f"{prefix}_keep"),
            widget=forms.CheckboxSelectMultiple,
        )

    # ------------------------------------------------------------ the template's rows

    def option_rows(self) -> list[dict]:
        return [
            {
                "key": key,
                "text": self[f"opt_{key}"],
                "correct": self[f"opt_{key}_correct"],
                "image": self[f"opt_{key}_image"],
                "keep": self[f"opt_{key}_keep"],
            }
            for key in OPTION_KEYS
        ]

    def part_rows(self) -> list[dict]:
        return [
            {
                "number": i + 1,
                "errors": self.group_errors.get(f"sub{i}", []),
                "stem": self[f"sub{i}_stem"],
                "image": self[f"sub{i}_image"],
                "keep": self[f"sub{i}_keep"],
                "qtype": self[f"sub{i}_qtype"],
                "options": [
                    {
                        "key": key,
                        "text": self[f"sub{i}_{key}"],
                        "correct": self[f"sub{i}_{key}_correct"],
                        "image": self[f"sub{i}_{key}_image"],
                        "keep": self[f"sub{i}_{key}_keep"],
                    }
                    for key in SUB_KEYS
                ],
            }
            for i in range(SUB_COUNT)
        ]

    # ------------------------------------------------------------ reading a stored question

    def _image_choices(self, name: str) -> list[tuple[str, str]]:
        images = (self.data.getlist(name) if hasattr(self.data, "getlist") else []) or (
            self.initial.get(name) or []
        )
        return [(src, src) for src in images]

    @staticmethod
    def _initial_of(question: Question) -> dict:
        version = question.current_version
        stem = to_form(version.stem)
        tags = list(question.tags or [])
        known = set(PersonnelCategory.values)
        initial = {
            "qtype": question.qtype,
            "stem": stem.text,
            "stem_keep": stem.images,
            "explanation": to_form(version.explanation).text,
            "category": question.category_id,
            "difficulty": question.difficulty,
            "shuffle_options": version.shuffle_options,
            "personnel_categories": [t for t in tags if t in known],
            "posts": "、".join(t for t in tags if t not in known),
        }
        if question.qtype == QuestionType.JUDGE:
            initial["judge_answer"] = version.answer_key[:1]
        for i, option in enumerate(version.options[: len(OPTION_KEYS)]):
            key = OPTION_KEYS[i]
            text = to_form(option.get("text", ""))
            initial[f"opt_{key}"] = text.text
            initial[f"opt_{key}_keep"] = text.images
            initial[f"opt_{key}_correct"] = bool(option.get("correct"))
        for i, sub in enumerate((version.sub_questions or [])[:SUB_COUNT]):
            initial[f"sub{i}_qtype"] = sub["qtype"]
            sub_stem = to_form(sub.get("stem", ""))
            initial[f"sub{i}_stem"] = sub_stem.text
            initial[f"sub{i}_keep"] = sub_stem.images
            for j, option in enumerate(sub["options"][: len(SUB_KEYS)]):
                text = to_form(option.get("text", ""))
                initial[f"sub{i}_{SUB_KEYS[j]}"] = text.text
                initial[f"sub{i}_{SUB_KEYS[j]}_keep"] = text.images
                initial[f"sub{i}_{SUB_KEYS[j]}_correct"] = bool(option.get("correct"))
        return initial

    # ------------------------------------------------------------ checking what was typed

    def _file(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload:
            try:
                question_image_check(upload)
            except ValidationError as exc:
                self.add_error(name, exc)
                return None
        return upload

    def _group_error(self, group: str, message) -> None:
        self.group_errors.setdefault(group, []).append(str(message))

    def clean(self):
        data = super().clean()
        qtype = data.get("qtype") or (self.question.qtype if self.question else "")
        data["qtype"] = qtype
        stem_upload = self._file("stem_image")
        if not (data.get("stem") or "").strip() and not data.get("stem_keep") and not stem_upload:
            self.add_error("stem", _("Write the question text."))
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            self._clean_options(data, qtype)
        elif qtype == QuestionType.JUDGE:
            if data.get("judge_answer") not in ("A", "B"):
                self.add_error("judge_answer", _("Choose whether the statement is true or false."))
        elif qtype == QuestionType.CASE:
            self._clean_parts(data)
        data["tags"] = list(data.get("personnel_categories") or []) + split_list(
            data.get("posts", "")
        )
        return data

    def _clean_options(self, data: dict, qtype: str) -> None:
        filled, right = [], []
        for key in OPTION_KEYS:
            upload = self._file(f"opt_{key}_image")
            typed = (data.get(f"opt_{key}") or "").strip()
            if typed or data.get(f"opt_{key}_keep") or upload:
                filled.append(key)
                if data.get(f"opt_{key}_correct"):
                    right.append(key)
            elif data.get(f"opt_{key}_correct"):
                self._group_error("options", _("Option %s is marked right but is empty.") % key)
        if len(filled) < 2:
            self._group_error("options", _("Write at least two options."))
        if not right:
            self._group_error("options", _("Mark the right answer."))
        elif qtype == QuestionType.SINGLE and len(right) > 1:
            self._group_error(
                "options",
                _("A single-choice question has one right answer; %s are marked.")
                % "、".join(right),
            )
        elif qtype == QuestionType.MULTIPLE and len(right) < 2:
            self._group_error(
                "options", _("A multiple-choice question has at least two right answers.")
            )
        data["filled_options"] = filled

    def _clean_parts(self, data: dict) -> None:
        parts = []
        for i in range(SUB_COUNT):
            stem = (data.get(f"sub{i}_stem") or "").strip()
            stem_images = bool(self._file(f"sub{i}_image") or data.get(f"sub{i}_keep"))
            sub_type = data.get(f"sub{i}_qtype") or QuestionType.SINGLE
            keys = SUB_KEYS[:2] if sub_type == QuestionType.JUDGE else SUB_KEYS
            options = [
                (k, (data.get(f"sub{i}_{k}") or "").strip(), bool(data.get(f"sub{i}_{k}_correct")))
                for k in keys
            ]
            # An option shown only as a picture (a sign, a gauge) is a written option too.
            pictured = {
                k for k in keys if self._file(f"sub{i}_{k}_image") or data.get(f"sub{i}_{k}_keep")
            }
            if sub_type == QuestionType.JUDGE:
                options = [(k, text or JUDGE_TEXTS[k], right) for k, text, right in options]
            if (
                not stem
                and not stem_images
                and not pictured
                and not any(text for k, text, _r in options if sub_type != QuestionType.JUDGE)
            ):
                continue  # an unused part
            group = f"sub{i}"
            if not stem and not stem_images:
                self._group_error(group, _("Write the text of this part."))
            filled = [(k, t, r) for k, t, r in options if t or k in pictured]
            right = [k for k, _t, r in filled if r]
            if len(filled) < 2:
                self._group_error(group, _("Write at least two options."))
            if not right:
                self._group_error(group, _("Mark the right answer."))
            elif sub_type != QuestionType.MULTIPLE and len(right) > 1:
                self._group_error(
                    group, _("This part has one right answer; %s are marked.") % "、".join(right)
                )
            elif sub_type == QuestionType.MULTIPLE and len(right) < 2:
                self._group_error(
                    group, _("A multiple-choice part has at least two right answers.")
                )
            parts.append((i, sub_type, stem, filled))
        if not parts:
            self._group_error("sub0", _("A case question needs at least one part."))
        data["parts"] = parts

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return valid and not self.group_errors

    # ------------------------------------------------------------ what the service gets

    def uploads(self) -> dict:
        """The image files to store, by field name."""
        names = ["stem_image"] + [f"opt_{key}_image" for key in OPTION_KEYS]
        if self.cleaned_data.get("qtype") == QuestionType.CASE:
            for i, *_rest in self.cleaned_data.get("parts", []):
                names += [f"sub{i}_image"] + [f"sub{i}_{key}_image" for key in SUB_KEYS]
        return {n: self.cleaned_data[n] for n in names if self.cleaned_data.get(n)}

    def question_fields(self, urls: dict[str, str]) -> dict:
        """The arguments of question_create / question_edit, the stored images at `urls`
        (field name -> URL). Texts that did not change keep their stored HTML."""
        data = self.cleaned_data
        qtype = data["qtype"]
        current = self.question.current_version if self.question else None

        def with_image(keep, name):
            return list(keep or []) + ([urls[name]] if name in urls else [])

        stem = merge(
            current.stem if current else "",
            RichText(data.get("stem") or "", with_image(data.get("stem_keep"), "stem_image")),
        )
        stored_expl = current.explanation if current else ""
        explanation = merge(
            stored_expl, RichText(data.get("explanation") or "", to_form(stored_expl).images)
        )
        stored_options = {o["key"]: o.get("text", "") for o in (current.options if current else [])}
        options: list[dict] = []
        subs: list[dict] = []
        if qtype == QuestionType.JUDGE:
            options = [
                {
                    "key": key,
                    "text": stored_options.get(key) or JUDGE_TEXTS[key],
                    "correct": data["judge_answer"] == key,
                }
                for key in "AB"
            ]
        elif qtype == QuestionType.CASE:
            stored_subs = current.sub_questions if current else []
            for i, sub_type, stem_text, filled in data["parts"]:
                old = stored_subs[i] if i < len(stored_subs) else {}
                old_options = {o["key"]: o.get("text", "") for o in old.get("options", [])}
                sub_stem = RichText(
                    stem_text, with_image(data.get(f"sub{i}_keep"), f"sub{i}_image")
                )
                subs.append(
                    {
                        "qtype": sub_type,
                        "stem": merge(old.get("stem", ""), sub_stem),
                        "options": [
                            {
                                "key": key,
                                "text": merge(
                                    old_options.get(key, ""),
                                    RichText(
                                        text,
                                        with_image(
                                            data.get(f"sub{i}_{key}_keep"), f"sub{i}_{key}_image"
                                        ),
                                    ),
                                ),
                                "correct": right,
                            }
                            for key, text, right in filled
                        ],
                    }
                )
        else:
            for key in data["filled_options"]:
                typed = RichText(
                    data.get(f"opt_{key}") or "",
                    with_image(data.get(f"opt_{key}_keep"), f"opt_{key}_image"),
                )
                options.append(
                    {
                        "key": key,
                        "text": merge(stored_options.get(key, ""), typed),
                        "correct": bool(data.get(f"opt_{key}_correct")),
                    }
                )
        fields = {
            "stem": stem,
            "options": options,
            "explanation": explanation,
            "shuffle_options": bool(data.get("shuffle_options")) and qtype != QuestionType.JUDGE,
            "sub_questions": subs,
            "category": data.get("category"),
            "difficulty": data["difficulty"],
            "tags": data["tags"],
        }
        if self.question is None:
            fields["qtype"] = qtype
        return fields


class KeyFixForm(forms.Form):
    """Correcting a question's answer key after exams: the right option(s) and why.

    The options are the current version's, unchanged; only which are right moves. One right
    option for single choice and true/false, two or more for multiple choice (the service
    checks the same when it writes)."""

    right_keys = forms.MultipleChoiceField(label=_("Right answer"))
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with every regraded attempt and in the audit log."),
    )

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        version = question.current_version
        choices = []
        for option in version.options:
            text = JUDGE_TEXTS.get(option["key"]) if question.qtype == QuestionType.JUDGE else None
            choices.append((option["key"], f"{option['key']}. {text or _plain(option)}"))
        field = self.fields["right_keys"]
        field.choices = choices
        if question.qtype == QuestionType.MULTIPLE:
            field.widget = forms.CheckboxSelectMultiple(choices=choices)
        else:
            field.widget = _OneOfMany(choices=choices)
        if not self.is_bound:
            self.initial["right_keys"] = [o["key"] for o in version.options if o.get("correct")]

    def clean_right_keys(self) -> list[str]:
        keys = self.cleaned_data["right_keys"]
        if self.question.qtype == QuestionType.MULTIPLE and len(keys) < 2:
            raise ValidationError(_("A multiple-choice question has at least two right options."))
        if self.question.qtype != QuestionType.MULTIPLE and len(keys) != 1:
            raise ValidationError(
                _("A single-choice or true/false question has exactly one right option.")
            )
        return keys

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the key is corrected."))
        return reason


class _OneOfMany(forms.RadioSelect):
    """Radio buttons that hand the form a one-item list, so both widgets fill one field."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return [value] if value else []

    def format_value(self, value):
        return value if isinstance(value, list) else [value] if value else []


def _plain(option: dict) -> str:
    return strip_tags(option.get("text", ""))[:120]
