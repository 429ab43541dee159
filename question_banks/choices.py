"""The question types, below the models: the file readers (imports/) and writers (exports/),
grading and the services compare types through these constants, without importing the
models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionType(models.TextChoices):
    JUDGE = "judge", _("True/false")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    CASE = "case", _("Case analysis")
