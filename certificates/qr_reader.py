"""Read the QR codes in a photo (PNG, JPEG, ...) or a PDF, for `verify_qr`.

zxing-cpp decodes; a PDF's pages are rasterised with pypdfium2 (a wheel, so no system
tool such as poppler is needed), in order until one holds a QR code: the A4 certificate has
it on its only page, the wallet card on its back (page 2). Errors come back as QRReadError
with a message for people.
Both are an optional extra (`pip install -e '.[verify]'`): nothing but this command reads QR
codes from files, so a web server does without them; without them the command says so.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from django.utils.translation import gettext as _

# 200 dpi: a 25 mm card QR of version ~15 gets about 3 pixels a module, which zxing reads;
# a blurry scan gets a second chance at 300 dpi.
PDF_SCALES = (200 / 72, 300 / 72)
MAX_FILE_BYTES = 50 * 1024 * 1024
# A certificate is one or two pages; a long document is not searched to its end.
MAX_PDF_PAGES = 4


class QRReadError(ValueError):
    """The file cannot be read, or holds no QR code."""


def _optional(module: str) -> ModuleType:
    """A package of the [verify] extra, or a QRReadError that says how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise QRReadError(
            _(
                "Reading QR codes from files needs the optional packages zxing-cpp and "
                "pypdfium2, which are not installed. Install them with: "
                "pip install -e '.[verify]'"
            )
        ) from exc


def _qr_texts(image) -> list[str]:
    zxingcpp = _optional("zxingcpp")

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [r.text for r in results if r.text]


def _pdf_texts(path: Path) -> list[str]:
    pdfium = _optional("pypdfium2")

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise QRReadError(_("%(file)s is not a readable PDF.") % {"file": path.name}) from exc
    try:
        if len(document) == 0:
            raise QRReadError(_("%(file)s has no pages.") % {"file": path.name})
        for index in range(min(len(document), MAX_PDF_PAGES)):
            page = document[index]
            for scale in PDF_SCALES:
                texts = _qr_texts(page.render(scale=scale).to_pil())
                if texts:
                    return texts
        return []
    finally:
        document.close()


def _image_texts(path: Path) -> list[str]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            # A phone photo's orientation lives in EXIF; zxing tries rotations anyway, but
            # a transposed image keeps "the first QR" the one a person sees first.
            image = ImageOps.exif_transpose(opened).convert("L")
    except (UnidentifiedImageError, OSError) as exc:
        raise QRReadError(
            _("%(file)s is not an image or PDF that can be read.") % {"file": path.name}
        ) from exc
    return _qr_texts(image)


def read_qr_texts(path: str | Path) -> list[str]:
    """The texts of every QR code in the file (a PDF: the first page that has one).
    Raises QRReadError when the file cannot be read or holds no QR code."""
    path = Path(path)
    if not path.is_file():
        raise QRReadError(_("%(file)s does not exist.") % {"file": path})
    if path.stat().st_size > MAX_FILE_BYTES:
        raise QRReadError(_("%(file)s is too large (over 50 MB).") % {"file": path.name})
    with path.open("rb") as handle:
        head = handle.read(5)
    texts = _pdf_texts(path) if head == b"%PDF-" else _image_texts(path)
    if not texts:
        raise QRReadError(_("No QR code was found in %(file)s.") % {"file": path.name})
    return texts
