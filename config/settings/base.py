"""Settings shared by every environment.

Everything that differs between a laptop and production comes from environment variables
(a `.env` file beside manage.py is read when present). With none set, the product runs on
the embedded defaults: SQLite in WAL mode, Celery tasks run eagerly, files under media/.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_list, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent.parent
load_dotenv(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Our apps first so their templates and translations win over the defaults.
    "roster",
    "courses",
    "question_banks",
    "certificates",
    "reports",
    "notices",
    "demo",
    "drills",
    "campaigns",
    "contests",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Inside the policy (which follows its header) and before the session-free lane, whose
    # answers come next, without the session, and carry the same headers as the rest.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL byte in the path or query string is a 400 here, before any view reads it.
    "config.request_guard.RejectNulBytesMiddleware",
    # Views marked @session_free (exam starts and saves with an exam pass, certificate
    # look-ups from phones without a session) answered here, before the session is read.
    "config.lane.SessionFreeLaneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers gzipped for phones on mobile networks (a 100-question exam page:
    # ~116 KB of HTML), with Django's BREACH padding. Static files come compressed already
    # (WhiteNoise, above); the exam day's saves and the certificate look-ups, answered
    # above, are small and go as they are.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "roster.middleware.ForcePasswordChangeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "roster.context_processors.roles",
                "certificates.context_processors.notifications",
                "notices.context_processors.notices",
            ],
        },
    }
]

# Database: PostgreSQL when DATABASE_URL is set, otherwise SQLite in WAL mode so the
# runserver and a background worker can read while one writes.
_sqlite_path = BASE_DIR / "var" / "db.sqlite3"
_sqlite_path.parent.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend with a health check that needs no round trip (config/postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # Parameters bound by the server, and a statement run DATABASE_PREPARE_THRESHOLD times
    # on a connection prepared there: PostgreSQL then skips parsing and planning it again.
    # An exam day runs the same few statements tens of thousands of times (the verify
    # look-up's join costs the server a quarter of the CPU once prepared). 0 turns it off,
    # for a pooler in transaction mode that cannot carry prepared statements.
    _prepare_threshold = int(env("DATABASE_PREPARE_THRESHOLD", "5"))
    if _prepare_threshold > 0:
        # Added to what DATABASE_URL's query string set (sslmode and the like), not instead.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=_prepare_threshold
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The regulator's report reads from a streaming replica of the PostgreSQL primary, when one is
# named (reports/replica.py): each waits at most REPORTS_REPLICA_MAX_WAIT seconds for the
# replica to replay what the primary had committed, and otherwise reads the primary.
_replica_url = env("DATABASE_REPLICA_URL", "")
if _replica_url:
    if DATABASES["default"]["ENGINE"] != "config.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to name PostgreSQL.")
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url,
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["ENGINE"] = "config.postgresql"
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **DATABASES["replica"].get("OPTIONS", {}),
    }
    # Tests: the replica's connection keeps its own host and port and takes the test
    # database's name, which streaming replication has copied there: a real replica in CI.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["reports.replica.ReportReplicaRouter"]
REPORTS_REPLICA_MAX_WAIT = float(env("REPORTS_REPLICA_MAX_WAIT", "2"))
# How long the regulator's dashboard may serve figures computed before the latest committed
# change (reports/freshness.py): 0 here, always exact; production allows 60 s on a busy day.
REPORTS_MAX_STALE_SECONDS = int(env("REPORTS_MAX_STALE_SECONDS", "0"))
# How long after a change the maintained report figures are recomputed (reports/maintained.py):
# the changes of that window are drained in one batch.
REPORTS_FIGURES_DELAY = float(env("REPORTS_FIGURES_DELAY", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "roster.User"
AUTHENTICATION_BACKENDS = [
    # Trainees sign in with their ID number or phone; staff with their username.
    "roster.auth.IdentityBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A roster person's first sign-in uses a one-time activation code from their enterprise admin
# (roster.services.activation); an unused code lapses after this many days.
ROSTER_ACTIVATION_CODE_DAYS = int(env("ROSTER_ACTIVATION_CODE_DAYS", "14"))

# Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "site" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Without collectstatic (make run, tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: rosters and question banks are spreadsheets of a few MB at most; anything
# larger is refused before it is parsed (documents.sheets.check_size).
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# An image in a question's text or option (question_banks/services/question_images.py).
QUESTION_IMAGE_MAX_BYTES = int(env("QUESTION_IMAGE_MAX_BYTES", str(2 * 1024 * 1024)))
# A notice's attachment (notices/services.py) and a campaign month's evidence file
# (campaigns/services/months.py: photos and PDFs of a month's activities).
NOTICE_ATTACHMENT_MAX_BYTES = int(env("NOTICE_ATTACHMENT_MAX_BYTES", str(UPLOAD_MAX_BYTES)))
CAMPAIGN_EVIDENCE_MAX_BYTES = int(env("CAMPAIGN_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024)))
# What one uploaded spreadsheet may hold, checked before and while it is parsed
# (documents/sheet_reader.py): a small .xlsx can declare millions of cells or unpack to
# gigabytes. Files that unpack to more than IN_PROCESS_BYTES, or whose sheets span more
# than IN_PROCESS_CELLS cells, are read by a child process capped at PARSE_MEMORY_BYTES of
# address space and stopped after PARSE_SECONDS (documents/sheets.py).
SPREADSHEET_LIMITS = {
    "MAX_UNZIPPED_BYTES": int(env("SPREADSHEET_MAX_UNZIPPED_BYTES", str(100 * 1024 * 1024))),
    "MAX_PART_BYTES": int(env("SPREADSHEET_MAX_PART_BYTES", str(64 * 1024 * 1024))),
    "MAX_COMPRESSION_RATIO": int(env("SPREADSHEET_MAX_COMPRESSION_RATIO", "100")),
    "MAX_ROWS": int(env("SPREADSHEET_MAX_ROWS", "100000")),  # per sheet, blank rows too
    "MAX_DATA_ROWS": int(env("SPREADSHEET_MAX_DATA_ROWS", "20000")),  # filled, under the header
    "MAX_COLUMNS": int(env("SPREADSHEET_MAX_COLUMNS", "256")),
    "MAX_CELLS": int(env("SPREADSHEET_MAX_CELLS", "1000000")),
    "MAX_CELL_CHARS": int(env("SPREADSHEET_MAX_CELL_CHARS", "32767")),  # Excel's own limit
    "MAX_TEXT_CHARS": int(env("SPREADSHEET_MAX_TEXT_CHARS", "20000000")),
    "IN_PROCESS_BYTES": int(env("SPREADSHEET_IN_PROCESS_BYTES", str(16 * 1024 * 1024))),
    "IN_PROCESS_CELLS": int(env("SPREADSHEET_IN_PROCESS_CELLS", "500000")),
    "PARSE_SECONDS": int(env("SPREADSHEET_PARSE_SECONDS", "60")),
    "PARSE_MEMORY_BYTES": int(env("SPREADSHEET_PARSE_MEMORY_BYTES", str(1024 * 1024 * 1024))),
}
# Evidence files (drill photos and reports, campaign-month evidence): on the server's disk,
# out of MEDIA_ROOT, served only by views that check who asks (config.storage).
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# An upload waiting between its check page and "import" (documents.imports.pending): on the
# server's disk, out of MEDIA_ROOT, which the web serves. Several web machines share it (or
# keep a user on one machine) in production.
IMPORT_PENDING_DIR = Path(env("IMPORT_PENDING_DIR", str(BASE_DIR / "var" / "imports")))
# A question file larger than this is checked and imported by a Celery task, with a progress
# bar on its page (question_banks.services.import_jobs); a smaller one in the request.
IMPORT_BACKGROUND_BYTES = int(env("IMPORT_BACKGROUND_BYTES", str(256 * 1024)))
# A question import still running after this long lost its worker (the tasks' hard time limit
# is far shorter): the sweep gives it back to its owner (question_banks.services.import_jobs).
QUESTION_IMPORT_STALE_SECONDS = int(env("QUESTION_IMPORT_STALE_SECONDS", str(30 * 60)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Cache and rate limits: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env("REDIS_URL", "")


def redis_cache(url: str) -> dict:
    """The cache on Redis. While Redis cannot be reached, each process falls back to its own
    memory (config.cache), so an exam never fails for want of a cache and rate limits still
    count; the timeouts make a hung Redis unreachable rather than a hung request."""
    return {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "st"),
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a Redis broker when configured; otherwise tasks run inline so that no worker is
# ever needed for correctness on a single machine.
# The in-memory broker names a host: without one, kombu warns "No hostname was supplied" on
# stderr each time an inline (eager) task takes a producer, e.g. in the middle of bench output.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or env("CELERY_BROKER_URL", ""))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A hung broker must not hang the request that sends a task (config.celery.send_or_run).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # A task whose worker died unacknowledged (acks_late) goes to another worker after this
    # long: 15 minutes, not Redis's default hour, and still well above the time limit below.
    "visibility_timeout": 15 * 60,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The workers' task processes run at this niceness (0-19; config.celery): on a machine that
# also serves the web, a thousand grades queued by the submits at the end of an exam take
# the cores only as the requests leave them (issue 27: every submit answered within 3 s).
# 19, the lowest: at 10 the graders still took about a quarter of two busy cores while a
# thousand submits were being answered (a niceness-19 process weighs 15 to a request
# thread's 1,024, a niceness-10 one 110). An idle machine still grades at full speed.
WORKER_NICE = int(env("WORKER_NICE", "19"))
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Grading overdue attempts also happens lazily on access; the sweep keeps results prompt.
    "expire-overdue-attempts": {
        "task": "question_banks.tasks.expire_overdue_attempts_task",
        "schedule": 60.0,
    },
    "send-certificate-reminders": {
        "task": "certificates.tasks.send_reminders_task",
        "schedule": crontab(hour=7, minute=0),  # Asia/Shanghai: before the working day
    },
    "certificate-missed-windows": {
        "task": "certificates.tasks.send_window_notices_task",
        "schedule": crontab(hour=7, minute=5),
    },
    "snapshot-report-month-ends": {
        "task": "reports.tasks.snapshot_month_ends_task",
        "schedule": crontab(hour=2, minute=30),  # the quiet hours
    },
    # The maintained report figures (reports/maintained.py): moved on to the new day, and the
    # queue drained every minute in case the task sent after a change was lost.
    "move-report-figures-on": {
        "task": "reports.tasks.move_report_figures_on_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "drain-report-figures": {
        "task": "reports.tasks.refresh_report_figures_task",
        "schedule": 60.0,
    },
    "notify-overdue-notice-acknowledgements": {
        "task": "notices.tasks.notify_overdue_acknowledgements_task",
        "schedule": 15 * 60.0,
    },
    # Open notices', warning assignments' and rotation campaigns' people follow the rosters:
    # each roster change syncs its people at once; this nightly run catches admins granted,
    # enterprises moved.
    "notice-readers-sync": {
        "task": "notices.tasks.readers_sync_task",
        "schedule": crontab(hour=2, minute=40),
    },
    "warning-readers-sync": {
        "task": "campaigns.tasks.warning_readers_sync_task",
        "schedule": crontab(hour=2, minute=45),
    },
    "rotation-members-sync": {
        "task": "campaigns.tasks.rotation_members_sync_task",
        "schedule": crontab(hour=2, minute=50),
    },
    "question-import-jobs-sweep": {
        "task": "question_banks.tasks.question_import_jobs_sweep_task",
        "schedule": 5 * 60.0,
    },
    "drill-overdue-reminders": {
        "task": "drills.tasks.drill_reminders_task",
        "schedule": crontab(hour=7, minute=10),
    },
}


EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")

WAGTAIL_SITE_NAME = "安全生产培训考试与持证管理系统"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The admin calls no outside address: county offices often sit behind closed networks, and an
# administrator's e-mail hash must not reach a third party. No release check (it fetches
# releases.wagtail.org), no avatars from Gravatar (initials or an uploaded picture instead).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Certificates: the verify URL printed in every QR code (scheme and host only; the QR upper-
# cases it), the passphrase that encrypts signing keys at rest, and the PDF fonts (TrueType
# files with Chinese, tried in order before the font the product ships, documents/assets/).
CERTIFICATE_VERIFY_BASE_URL = env("CERTIFICATE_VERIFY_BASE_URL", WAGTAILADMIN_BASE_URL)
# The compact QR token carries the draft-ietf-oauth-status-list claim, so that a verifier
# written to the draft alone finds the certificate's entry (docs/RULES.md, status list claim).
# Off, the index stays in the product's own claim and the QR is two versions smaller: for a
# site whose verifiers all read that claim (certificates/trust/tokens.py).
CERTIFICATE_QR_STATUS_CLAIM = env_bool("CERTIFICATE_QR_STATUS_CLAIM", True)
# Look-ups per client network (an IPv4 /24, an IPv6 /64) and minute on the public verify page
# and API; an inspectors' office behind one address may need more. 0 switches the limit off.
CERTIFICATE_VERIFY_RATE_LIMIT = int(env("CERTIFICATE_VERIFY_RATE_LIMIT", "60"))
# ... and per IPv6 site (CLIENT_IPV6_SITE_PREFIX, the /56 a line is delegated), higher: the
# site's /64s together (roster/networks.py). 0 counts no site.
CERTIFICATE_VERIFY_SITE_RATE_LIMIT = int(
    env("CERTIFICATE_VERIFY_SITE_RATE_LIMIT", str(4 * CERTIFICATE_VERIFY_RATE_LIMIT))
)
# How IPv6 addresses are grouped for the rate limits and sign-in lockouts (roster/networks.py):
# one client is a /64; one site (a home or office line's delegation, often a /56) is counted
# together at the higher limits. The same value for both counts no site.
CLIENT_IPV6_PREFIX = int(env("CLIENT_IPV6_PREFIX", "64"))
CLIENT_IPV6_SITE_PREFIX = int(env("CLIENT_IPV6_SITE_PREFIX", "56"))
# The verification log (one row per look-up): 0 writes each row in the request; N queues
# rows and a thread per process writes them N at a time or every FLUSH_SECONDS
# (certificates/services/lookup_log.py; production's default is 200 rows / 1 s).
VERIFICATION_LOG_BATCH = int(env("VERIFICATION_LOG_BATCH", "0"))
VERIFICATION_LOG_FLUSH_SECONDS = float(env("VERIFICATION_LOG_FLUSH_SECONDS", "1"))
# Rows a process keeps waiting while the database is away; beyond it the oldest are dropped
# with a warning, so an outage cannot fill the memory.
VERIFICATION_LOG_MAX_WAITING = int(env("VERIFICATION_LOG_MAX_WAITING", "100000"))
CERTIFICATE_KEY_PASSPHRASE = env("CERTIFICATE_KEY_PASSPHRASE", "")
CERTIFICATE_FONT_PATHS = env_list("CERTIFICATE_FONT_PATHS", [])

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Sessions and security headers. A session lasts one working day from sign-in (staff open
# personal data; a shared office PC must not stay signed in overnight); exams are shorter.
# Sessions are read from the cache (Redis in production) and written through to the
# database: every signed-in request saves a database round trip, and nothing is lost when
# the cache is emptied or unreachable (a miss reads the database).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(env("DJANGO_SESSION_COOKIE_AGE", str(8 * 3600)))
CSRF_COOKIE_HTTPONLY = False  # the exam page reads it to send answers with fetch()
CSRF_COOKIE_SAMESITE = "Lax"
# DENY everywhere; Wagtail's preview views override it with SAMEORIGIN for their own iframe.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy of every HTML page (django-csp, through
# config.middleware.ContentSecurityPolicyMiddleware): the site serves all its scripts itself and
# has no inline script or handler, so scripts come from 'self' only. Inline styles stay allowed
# (page templates carry small <style> blocks and ECharts' tooltips style their markup); they
# cannot run code. Files served from another origin (S3-compatible storage) go in
# DJANGO_CSP_MEDIA_SRC, embedded video hosts in DJANGO_CSP_FRAME_SRC (comma-separated origins).
# The Wagtail admin runs inline scripts of its own and has its own permissions: no CSP there.
_csp_media = env_list("DJANGO_CSP_MEDIA_SRC", [])
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_csp_media],
        "media-src": ["'self'", *_csp_media],
        "frame-src": ["'self'", *env_list("DJANGO_CSP_FRAME_SRC", [])],  # embedded video hosts
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# Sign-in throttling (roster.throttle), counted in the cache above: an account (a person,
# however they type their login) is locked for one client address after ACCOUNT_FAILURES
# failures from it within WINDOW_SECONDS, for every address only after ACCOUNT_TOTAL_FAILURES
# (so a stranger cannot lock a candidate out on exam day); a client address after
# ADDRESS_FAILURES (higher: a training room behind one NAT shares it); each for LOCK_SECONDS.
# A success clears the account's counts.
LOGIN_THROTTLE = {
    "ACCOUNT_FAILURES": int(env("LOGIN_THROTTLE_ACCOUNT_FAILURES", "5")),
    "ADDRESS_FAILURES": int(env("LOGIN_THROTTLE_ADDRESS_FAILURES", "20")),
    "SITE_FAILURES": int(env("LOGIN_THROTTLE_SITE_FAILURES", "80")),
    "ACCOUNT_TOTAL_FAILURES": int(env("LOGIN_THROTTLE_ACCOUNT_TOTAL_FAILURES", "50")),
    "WINDOW_SECONDS": int(env("LOGIN_THROTTLE_WINDOW_SECONDS", str(15 * 60))),
    "LOCK_SECONDS": int(env("LOGIN_THROTTLE_LOCK_SECONDS", str(15 * 60))),
}
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default)
# trusts only REMOTE_ADDR; behind one nginx that sets X-Forwarded-For, set 1, or every
# client shares the proxy's address for the sign-in throttle, exam IP ranges and the audit log.
TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "0"))
WAGTAILADMIN_USER_LOGIN_FORM = "roster.forms.AdminLoginForm"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Certificate tokens (verify URLs), ID numbers and phones never reach the logs.
        "hide_personal_data": {"()": "config.logging.HidePersonalData"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["hide_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Rows per page of the staff lists (people, enterprises, certificate holders) and of a
# person's notifications.
LIST_PAGE_SIZE = int(env("DJANGO_LIST_PAGE_SIZE", "50"))
# Emergency drills: evidence uploads (photos, video, documents) and the phone check-in code.
DRILL_EVIDENCE_MAX_BYTES = int(env("DRILL_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# The drill's check-in code changes every this many seconds and is taken for one step more
# (drills/services.py); a scan in time leaves this many minutes to sign in.
DRILL_CHECKIN_STEP_SECONDS = int(env("DRILL_CHECKIN_STEP_SECONDS", "30"))
DRILL_CHECKIN_SIGN_IN_MINUTES = int(env("DRILL_CHECKIN_SIGN_IN_MINUTES", "10"))
# Knowledge contests: seconds a leaderboard and a contest's list of eligible people are
# cached (contests/selectors.py); a board is at most this late after a submission.
CONTESTS_LEADERBOARD_TTL = float(env("CONTESTS_LEADERBOARD_TTL", "1"))
CONTESTS_ELIGIBLE_TTL = float(env("CONTESTS_ELIGIBLE_TTL", "60"))
