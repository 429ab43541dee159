"""Evidence files are served through this view, never by a public URL: the enterprise's
admins and the regulators over it (and the system admin) may open them."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from ..models import DrillEvidence
from ..selectors import drill_enterprises, regulated_records


@login_required
def evidence_file(request, pk: int):
    evidence = (
        DrillEvidence.objects.select_related("image", "document", "record").filter(pk=pk).first()
    )
    if evidence is None:
        raise Http404
    user = request.user
    keeps = drill_enterprises(user=user).filter(pk=evidence.record.enterprise_id).exists()
    if not keeps and not regulated_records(user=user).filter(pk=evidence.record_id).exists():
        raise Http404
    stored = evidence.image.file if evidence.image_id else evidence.document.file
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline" if evidence.image_id else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
