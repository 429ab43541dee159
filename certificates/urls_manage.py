"""Certificate administration: issue, review, suspend, revoke, renew, replace."""

app_name = "certificates_manage"
urlpatterns: list = []
