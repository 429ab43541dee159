"""Public certificate URLs (no login): the verify page and what offline verifiers download."""

from django.urls import path

from .views import verify

app_name = "certificates_public"
urlpatterns = [
    path("verify/<str:token>", verify.verify_page, name="verify"),
    # The QR carries the URL upper-cased (one alphanumeric QR segment, a smaller code).
    path("VERIFY/<str:token>", verify.verify_page, name="verify_upper"),
    path(".well-known/certificate-keys.json", verify.published_keys, name="keys"),
    path(".well-known/certificate-status-list", verify.status_list, name="status_list"),
    # The address certificates' status claims name (certificates/services/status.py).
    path("sl", verify.status_list, name="status_list_short"),
]
