"""Certificate pages for staff (holders' roster) and trainees (my certificates)."""

app_name = "certificates"
urlpatterns: list = []
