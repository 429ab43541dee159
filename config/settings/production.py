"""Production: every secret and address from the environment; refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: a missing secret fails fast
# Comma-separated former keys, still accepted for what they signed (sessions, exam passes,
# password-reset links) while a rotation settles.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])

# The certificate signing keys are stored in the database encrypted with this passphrase
# (certificates/trust/keys.py); without one they would be written in clear, and a copy of the
# database would be enough to sign forged certificates. So production refuses to start.
CERTIFICATE_KEY_PASSPHRASE = env("CERTIFICATE_KEY_PASSPHRASE", "")
if not CERTIFICATE_KEY_PASSPHRASE.strip():
    raise ImproperlyConfigured(
        "CERTIFICATE_KEY_PASSPHRASE must be set in production: it encrypts the certificate "
        "signing keys stored in the database, which would otherwise be kept unencrypted. "
        "Set a long random passphrase and keep it apart from the database backups "
        "(README, Production)."
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}

# Behind a TLS-terminating reverse proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
WHITENOISE_USE_FINDERS = False

# The regulator's dashboard may lag committed changes by this much on a busy day (see
# reports/freshness.py); 0 makes every figure exact at the cost of recomputing.
REPORTS_MAX_STALE_SECONDS = int(env("REPORTS_MAX_STALE_SECONDS", "60"))
# Look-ups are logged in batches by a thread per web process, up to a second late (see
# certificates/services/lookup_log.py for what a killed process can lose).
VERIFICATION_LOG_BATCH = int(env("VERIFICATION_LOG_BATCH", "200"))
