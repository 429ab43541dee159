"""The issuer directory published with the keys (certificates/trust/directory.py): every
issuer code and certificate type a compact token may name, with the texts it stands for."""

from __future__ import annotations

from django.core.cache import cache

from certificates.models import Certificate, CertificateType
from certificates.trust.directory import Directory

_CACHE_KEY = "certificates:issuer-directory"
# The directory changes when a type or an issuer is added or renamed: a saved or deleted
# type drops it once committed (directory_forget, from certificates.signals), and signing a
# card whose codes it lacks drops it at once (directory_note). Anything else (a name only a
# card gives its issuer) shows within this time.
CACHE_SECONDS = 600


def issuer_directory() -> Directory:
    document = cache.get(_CACHE_KEY)
    if document is None:
        document = _build().to_document()
        cache.set(_CACHE_KEY, document, CACHE_SECONDS)
    return Directory.from_document(document)


def _build() -> Directory:
    issuers: dict[str, str] = {}
    types: dict[str, dict[str, str]] = {}
    for ctype in CertificateType.objects.order_by("pk"):
        types[ctype.code] = {
            "name": ctype.name,
            "category": ctype.operation_category,
            "item": ctype.operation_item,
        }
        if ctype.issuer_code:
            issuers[ctype.issuer_code] = ctype.issuer_name
    # A card may name an issuer its type does not (a hand issue, an import); a type's name
    # for a code comes first, otherwise the name a card gives it.
    pairs = (
        Certificate.objects.exclude(issuer_code="")
        .values_list("issuer_code", "issuer_name")
        .distinct()
    )
    for code, name in pairs:
        issuers.setdefault(code, name)
    return Directory(issuers=issuers, types=types)


def directory_note(issuer_code: str, type_codes: tuple[str, ...]) -> None:
    """A token naming these codes is being signed: if the cached directory lacks one, drop
    it, so the next download of the keys names them."""
    document = cache.get(_CACHE_KEY)
    if document is None:
        return
    if issuer_code not in document.get("issuers", {}) or any(
        code not in document.get("types", {}) for code in type_codes
    ):
        cache.delete(_CACHE_KEY)


def directory_forget() -> None:
    """Drop the cached directory: a certificate type (its name, operation item or issuer) was
    saved or deleted. Called after the commit, so a rolled-back edit never shows and the
    next download rebuilds from what is committed."""
    cache.delete(_CACHE_KEY)
