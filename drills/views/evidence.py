"""Evidence files are served through this view, never by a public URL: the enterprise's
admins and the regulators over it (and the system admin) may open them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from config.storage import private_file_response

from ..models import DrillEvidence
from ..selectors import drill_evidence_get


@login_required
def evidence_file(request, pk: int):
    try:
        evidence = drill_evidence_get(user=request.user, pk=pk)
    except DrillEvidence.DoesNotExist as exc:
        raise Http404 from exc
    return private_file_response(evidence.file, inline=evidence.kind == DrillEvidence.Kind.PHOTO)
