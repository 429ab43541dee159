"""The model-free core of trustworthy certificates (ARCHITECTURE.md rule 5).

* :mod:`.keys`        ES256 signing keys as data, a key ring, the published JWKS document.
* :mod:`.tokens`      the signed QR payload: a CWT (RFC 8392) in COSE_Sign1 (RFC 9052), base32.
* :mod:`.status_list` IETF Token Status List (2 bits per certificate), signed as a CWT.
* :mod:`.qr`          QR matrices with a fixed mask, drawn as vectors (PDF), SVG or PNG.

The Chinese font the PDFs embed is documents.fonts (shared with the other apps' PDFs).

Nothing here touches the database: the certificate models store keys, numbers and status
indexes, and call these functions. Django settings are read lazily and only for defaults.
"""
