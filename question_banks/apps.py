from django.apps import AppConfig


class QuestionBanksConfig(AppConfig):
    name = "question_banks"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (the signals other apps connect to)
