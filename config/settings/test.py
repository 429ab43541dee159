"""The test suite: fast hashing, local memory cache, eager Celery that propagates errors.

DATABASE_URL / REDIS_URL still apply, so CI runs the same suite against PostgreSQL and Redis.
"""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
if DATABASES["default"]["ENGINE"] == "config.postgresql":  # noqa: F405
    # The throwaway test database need not wait for its commits to reach the disk (the
    # migrations, transactional tests and their flushes commit often); durability is
    # production's business, not the suite's.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

# Parallel test workers (pytest-xdist, `make test`) share the machine's Redis: each clears the
# cache between its tests, so each worker gets a database number of its own (15, 14, ...).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _WORKER.startswith("gw"):  # noqa: F405
    _base, _, _db = REDIS_URL.rpartition("/")  # noqa: F405
    REDIS_URL = f"{_base}/{(int(_db or 0) - int(_WORKER[2:])) % 16}"
    CACHES = {"default": redis_cache(REDIS_URL)}  # noqa: F405
