"""The holder's side: my certificates with their QR code, the PDF download, notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.models import CertificateState
from certificates.selectors import my_certificates, notification_list
from certificates.services.duties import person_duties
from certificates.services.notifications import notifications_mark_read
from certificates.services.signing import certificate_verify_url
from certificates.trust.qr import make_qr, qr_svg
from roster.services import audit_record

from .holders import certificate_or_404

PDF_VARIANTS = ("a4", "card")
# Only a certificate in force gets a QR on screen: a suspended card shown to an inspector
# would only send them to a page that says so; better the holder sees the state plainly.
SHOWS_QR = {CertificateState.VALID, CertificateState.EXPIRING, CertificateState.REVIEW_SOON}


@login_required
def mine(request):
    today = timezone.localdate()
    certificates = list(my_certificates(user=request.user))
    for certificate in certificates:
        certificate.state_now = certificate.state(today)
        certificate.qr = None
        if certificate.state_now in SHOWS_QR and certificate.token:
            svg = qr_svg(
                make_qr(certificate_verify_url(certificate)),
                title=_("QR code of certificate %(number)s") % {"number": certificate.number},
            )
            # Safe: qr_svg builds the markup itself and escapes the title.
            certificate.qr = mark_safe(svg)
    windows = person_duties(person=request.user.person, on=today) if request.user.person_id else []
    return render(
        request,
        "certificates/mine.html",
        {
            "certificates": certificates,
            "today": today,
            "has_person": bool(request.user.person_id),
            "windows": windows,
        },
    )


@login_required
def certificate_pdf(request, pk: int):
    """The holder's own certificate, or one in the staff member's scope, as a PDF."""
    variant = request.GET.get("variant", "a4")
    if variant not in PDF_VARIANTS:
        return HttpResponseBadRequest(
            _("Unknown layout %(variant)s: choose a4 or card.") % {"variant": variant[:20]}
        )
    certificate = certificate_or_404(request, pk)
    # Imported here: the PDF module pulls in reportlab and the fonts, which only this view needs.
    from certificates.pdf import certificate_pdf as render_pdf

    content = render_pdf(certificate, variant)
    audit_record(
        actor=request.user,
        action="certificate.pdf",
        target=certificate,
        summary=f"{certificate.person.name} {certificate.certificate_type.code}",
        request=request,
        variant=variant,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.pk}-{variant}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def notifications(request):
    paginator = Paginator(notification_list(user=request.user), settings.LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    unread = notification_list(user=request.user).filter(read_at__isnull=True).count()
    return render(
        request,
        "certificates/notifications.html",
        {"page": page, "unread": unread, "querystring": ""},
    )


@login_required
@require_POST
def notifications_read(request):
    count = notifications_mark_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("certificates:notifications")
