"""Probes for the load balancer and the process supervisor.

`/healthz`: the process answers (no database, no cache): also the load benchmark's floor,
the cheapest request the stack can serve. `/readyz`: the database and the cache answer too
(a cache that fell back to process memory is reported as degraded, still ready).
Both are public and say nothing about the data."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not ready"
        checks["database"] = type(exc).__name__
    try:
        cache.set("readyz", "1", 5)
        checks["cache"] = "ok" if cache.get("readyz") == "1" else "miss"
    except Exception as exc:
        checks["cache"] = type(exc).__name__
    if checks["cache"] == "ok" and getattr(cache, "on_fallback", False):
        # Still serving (config.cache keeps exams going on process memory), so still ready;
        # but the operator must see that Redis is gone and limits count per process.
        checks["cache"] = "degraded: Redis unreachable, using process memory"
    ready = checks["database"] == "ok" and checks["cache"].startswith(("ok", "degraded"))
    return JsonResponse(checks, status=200 if ready else 503)
