from django.urls import path

from . import contests, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.people, name="people"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("summary.pdf", views.summary, name="summary_pdf"),
    path("contests/", contests.contest_figures, name="contests"),
]
