"""verify_qr FILE [--offline] [--keys FILE.json] [--status-list FILE]

Reads the certificate QR in a photo or a PDF and prints one JSON object (the same fields as
/api/verify/<token>). The signature is always checked offline, against the keys the site
publishes (/.well-known/certificate-keys.json, the set the verify page trusts) or, with
--keys, against a JWKS file (a verifier with no database at all); the issuer directory in
the same document names what a compact token gives by code (issuer, items). Unless --offline, the
live status comes from the database; with --offline it comes from a signed status list file
when given (saying its date), otherwise from the dates in the token.

Exit 0 whenever a verdict is printed, also a negative one (`valid` says which); 1 with a
one-line reason on stderr when the file cannot be read or holds no certificate QR.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.models import Verification
from certificates.qr_reader import QRReadError, read_qr_texts
from certificates.services.keys import public_ring
from certificates.services.verification import certificate_verify, verification_log
from certificates.trust.directory import Directory
from certificates.trust.keys import KeyMaterialError, KeyRing
from certificates.trust.status_list import StatusListToken, verify_status_list
from certificates.trust.tokens import Reason, decode_token, token_from_text


def _our_token(text: str) -> str | None:
    """The token in a QR text when it looks like ours (a verify URL or a bare decimal or
    base32 token), else None. Whether it is genuine is the verifier's business, not this one's."""
    token = token_from_text(text)
    try:
        decode_token(token)
    except ValueError:
        return None
    return token


class Command(BaseCommand):
    help = "Verify the certificate QR code in a PNG/JPEG photo or a PDF; prints one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("file", help="PNG, JPEG (or other image) or PDF (first page)")
        parser.add_argument(
            "--offline",
            action="store_true",
            help="Do not ask the database for the live status (signature and token dates only, "
            "plus --status-list when given).",
        )
        parser.add_argument(
            "--keys",
            metavar="FILE.json",
            help="Trust these public keys (the JWKS from /.well-known/certificate-keys.json) "
            "instead of the database's key ring.",
        )
        parser.add_argument(
            "--status-list",
            metavar="FILE",
            help="A status list token (from /.well-known/certificate-status-list) for --offline.",
        )

    def handle(self, *args, **options):
        ring, directory = self._ring(options["keys"])
        status_list = self._status_list(options["status_list"], ring)
        try:
            texts = read_qr_texts(options["file"])
        except QRReadError as exc:
            raise CommandError(str(exc)) from exc
        tokens = [t for t in map(_our_token, texts) if t]
        if not tokens:
            raise CommandError(
                _("The QR code in %(file)s is not a certificate verify code.")
                % {"file": Path(options["file"]).name}
            )
        offline = options["offline"]
        verdict = certificate_verify(
            token=tokens[0],
            ring=ring,
            live=not offline,
            status_list=status_list,
            directory=directory,
        )
        if verdict.signature.reason == Reason.MALFORMED:
            raise CommandError(
                _("The QR code holds no readable certificate token (%(detail)s).")
                % {"detail": verdict.signature.detail}
            )
        if not offline:
            verification_log(
                verdict=verdict, channel=Verification.Channel.COMMAND, agent="verify_qr"
            )
        self.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2))

    def _ring(self, path: str | None) -> tuple[KeyRing, Directory | None]:
        if not path:
            # The keys /.well-known/certificate-keys.json publishes, as the verify page uses
            # (and its directory, the default of certificate_verify).
            return public_ring(fresh=True), None
        try:
            document = json.loads(Path(path).read_bytes())
            ring = KeyRing.from_jwks(document)
        except OSError as exc:
            raise CommandError(_("Cannot read the keys file: %(error)s") % {"error": exc}) from exc
        except (ValueError, KeyMaterialError, AttributeError) as exc:
            # json.JSONDecodeError is a ValueError; a JSON list instead of an object has no .get
            raise CommandError(
                _("The keys file is not a usable JWKS: %(error)s") % {"error": exc}
            ) from exc
        if not len(ring):
            raise CommandError(_("The keys file holds no keys."))
        return ring, Directory.from_document(document)

    def _status_list(self, path: str | None, ring: KeyRing) -> StatusListToken | None:
        if not path:
            return None
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read the status list file: %(error)s") % {"error": exc}
            ) from exc
        checked = verify_status_list(data, ring)
        # An expired list still says something ("as of" its date, marked stale); a list
        # that is not signed by a trusted key says nothing at all.
        if checked.status_list is None or checked.reason not in (Reason.OK, Reason.EXPIRED):
            raise CommandError(
                _("The status list file cannot be trusted (%(reason)s).")
                % {"reason": checked.reason}
            )
        return checked
