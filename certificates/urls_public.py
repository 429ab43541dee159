"""Public certificate URLs (no login): the verify page and what offline verifiers download."""

app_name = "certificates_public"
urlpatterns: list = []
