from django.apps import AppConfig


class QuestionBanksConfig(AppConfig):
    name = "question_banks"
