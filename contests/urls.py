from django.urls import path

from .views import contestant, organiser

app_name = "contests"

urlpatterns = [
    path("", organiser.contest_list, name="list"),
    path("new/", organiser.contest_create, name="create"),
    path("<int:pk>/", organiser.contest_detail, name="detail"),
    path("<int:pk>/edit/", organiser.contest_edit, name="edit"),
    path("<int:pk>/delete/", organiser.contest_delete_view, name="delete"),
    path("<int:pk>/rounds/new/", organiser.round_create, name="round_create"),
    path(
        "<int:pk>/rounds/<int:round_pk>/delete/",
        organiser.round_delete_view,
        name="round_delete",
    ),
    path("<int:pk>/rounds/<int:round_pk>/edit/", organiser.round_edit, name="round_edit"),
    path("<int:pk>/leaderboard/", organiser.contest_leaderboard, name="leaderboard"),
    path("<int:pk>/winners.xlsx", organiser.winners_export, name="winners_xlsx"),
    path("<int:pk>/honours.pdf", organiser.honours_pdf, name="honours_pdf"),
    path("mine/", contestant.my_contests, name="mine"),
    path("mine/<int:pk>/", contestant.play, name="play"),
    path("mine/<int:pk>/rounds/<int:round_pk>/join/", contestant.join, name="join"),
    path("mine/<int:pk>/daily/", contestant.daily, name="daily"),
]
