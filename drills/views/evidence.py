"""Evidence files are served through this view, never by a public URL: the enterprise's
admins and the regulators over it (and the system admin) may open them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from config.storage import private_file_response

from ..models import DrillEvidence
from ..selectors import drill_enterprises, regulated_records


@login_required
def evidence_file(request, pk: int):
    evidence = DrillEvidence.objects.select_related("record").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    user = request.user
    keeps = drill_enterprises(user=user).filter(pk=evidence.record.enterprise_id).exists()
    if not keeps and not regulated_records(user=user).filter(pk=evidence.record_id).exists():
        raise Http404
    return private_file_response(evidence.file, inline=evidence.kind == DrillEvidence.Kind.PHOTO)
