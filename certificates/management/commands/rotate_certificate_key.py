"""rotate_certificate_key: retire the active signing key and start signing with a new one.

Run it yearly (or at once if a key may have leaked; then also re-sign what it signed). The
retired key stays in /.well-known/certificate-keys.json for as long as a certificate it
signed exists, so cards already printed keep verifying, and say so when they have lapsed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from certificates.models import SigningKeyRecord
from certificates.services.keys import key_create
from certificates.services.status import status_list_invalidate


class Command(BaseCommand):
    help = "Retire the active certificate signing key and make a new one."

    def handle(self, *args, **options):
        retired = list(
            SigningKeyRecord.objects.filter(retired_at__isnull=True).values_list("kid", flat=True)
        )
        key = key_create()
        # The status list is re-signed with the new key on its next request.
        status_list_invalidate()
        self.stdout.write(_("New signing key: %(kid)s") % {"kid": key.kid})
        for kid in retired:
            self.stdout.write(
                _("Retired (still published for what it signed): %(kid)s") % {"kid": kid}
            )
