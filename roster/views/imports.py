"""Roster upload and export pages (to be filled in by the import/export work)."""

from django.http import HttpResponse

from .common import staff_scope_required


@staff_scope_required
def roster_import(request):
    return HttpResponse(status=501)


@staff_scope_required
def roster_export(request):
    return HttpResponse(status=501)
