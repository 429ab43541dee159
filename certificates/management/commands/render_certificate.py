"""`manage.py render_certificate NUMBER -o FILE.pdf [--variant a4|card]` (CONTRACT.md).

Writes the same bytes the holder downloads (the PDF is deterministic). A replaced card may
share its number with its replacement: the live one is rendered.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateStatus
from certificates.pdf import VARIANTS, certificate_pdf
from documents.fonts import FontNotFound


def live_certificate(number: str) -> Certificate:
    """The certificate with this number that is not a replaced card, or CommandError."""
    found = Certificate.objects.select_related("certificate_type", "person").filter(
        number=number.strip()
    )
    live = found.exclude(status=CertificateStatus.REPLACED).first()
    if live is not None:
        return live
    # A number renamed by the one-number rule (renumber_legacy_certificates) still finds it.
    renamed = (
        Certificate.objects.select_related("certificate_type", "person")
        .filter(former_number=number.strip())
        .exclude(status=CertificateStatus.REPLACED)
        .first()
    )
    if renamed is not None:
        return renamed
    replaced = found.select_related("superseded_by").first()
    successor = getattr(replaced, "superseded_by", None) if replaced else None
    if successor is not None:
        raise CommandError(
            _("Certificate %(number)s was replaced by %(new)s.")
            % {"number": number, "new": successor.number}
        )
    raise CommandError(_("No certificate has the number %(number)s.") % {"number": number})


class Command(BaseCommand):
    help = "Write a certificate's PDF (the file its holder downloads)."

    def add_arguments(self, parser):
        parser.add_argument("number", help="The certificate number.")
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE.pdf", help="Where to write it."
        )
        parser.add_argument(
            "--variant",
            choices=VARIANTS,
            default="a4",
            help="a4: one A4 page (default); card: 85.6 x 54 mm, front and back.",
        )

    def handle(self, *args, **options):
        output = Path(options["output"])
        certificate = live_certificate(options["number"])
        try:
            content = certificate_pdf(certificate, options["variant"])
        except FontNotFound as exc:
            raise CommandError(str(exc)) from exc
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror}
            ) from exc
        self.stdout.write(
            _("%(number)s written to %(file)s (%(size)d bytes).")
            % {"number": certificate.number, "file": output, "size": len(content)}
        )
