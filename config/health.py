"""Probes for the load balancer and the process supervisor.

`/healthz`: the process answers (no database, no cache): also the load benchmark's floor,
the cheapest request the stack can serve. `/readyz`: the database and the cache answer too.
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
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(checks, status=200 if ready else 503)
