"""A certificate as a PDF: an A4 page or a wallet card (85.6 x 54 mm, front and back).

Drawn with reportlab on a canvas, not with an HTML-to-PDF tool, because a certificate is a
fixed layout and this is fast (see bench/bench_certificates.py):

* every piece of text is in the embedded (subset) CJK TrueType font of
  :func:`documents.fonts.register_cjk_font` (shipped with the product), so it renders the
  same in every viewer and the text layer stays extractable; texts are drawn on the canvas
  (``drawString``), never read as markup, so a name like ``<img src=…>`` prints as written;
* the QR code (level Q, drawn as vector rectangles) carries the signed verify URL, so a phone
  opens the live verify page and an offline verifier checks the signature alone;
* the labels go through gettext but the document is Chinese: it is always rendered in
  zh-hans, whatever the language of the person who asked for it;
* ``invariant`` output: the same certificate gives the same bytes (no creation time or random
  document id), so the holder's download and ``render_certificate`` agree byte for byte.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.pdfutils import readJPEGInfo
from reportlab.pdfgen.canvas import Canvas

from certificates.models import Certificate
from certificates.services.signing import certificate_items_text, certificate_verify_url
from certificates.trust.qr import draw_qr, make_qr
from documents.fonts import register_cjk_font

log = logging.getLogger(__name__)

VARIANTS = ("a4", "card")
CARD_SIZE = (85.6 * mm, 54 * mm)  # ISO/IEC 7810 ID-1, the size of a bank card
DOCUMENT_LANGUAGE = "zh-hans"

# Side of the QR square *including* its 4-module quiet zone. A version-15 code then has
# modules of 0.53 mm on A4 and 0.35 mm on the card: above the 22 mm / 30 mm the brief asks
# for the symbol itself, and several printer dots per module at 300 dpi.
QR_SIDE_A4 = 45 * mm
QR_SIDE_CARD = 30 * mm

# Photos are downscaled before embedding: 354 x 472 px is 300 dpi on the 30 x 40 mm A4 frame,
# and a phone's 12-megapixel original would otherwise make every PDF several megabytes.
PHOTO_MAX_PIXELS = (354, 472)
# A JPEG at most this large is embedded unchanged (see _embed_as_is): 480 x 640 px is about
# 400 dpi on the A4 frame, so nothing much larger than a scanned ID photo is kept as is.
PHOTO_AS_IS_PIXELS = (480, 640)

ACCENT = (0.56, 0.09, 0.09)  # the dark red of official certificates
MUTED = (0.35, 0.35, 0.35)


class CertificatePdfError(ValueError):
    """The PDF cannot be made as asked (an unknown variant)."""


def certificate_pdf(certificate: Certificate, variant: str = "a4") -> bytes:
    """The certificate's PDF: ``variant`` "a4" (one page) or "card" (front and back)."""
    if variant not in VARIANTS:
        raise CertificatePdfError(
            _("Unknown PDF variant %(variant)s; use one of: %(choices)s.")
            % {"variant": variant, "choices": ", ".join(VARIANTS)}
        )
    with translation.override(DOCUMENT_LANGUAGE):
        layout = _Layout(certificate, register_cjk_font().name)
        return layout.render(variant)


def _date(value) -> str:
    return value.isoformat() if value else ""


class _Layout:
    """The certificate's texts, worked out once, and the two page designs."""

    def __init__(self, certificate: Certificate, font: str):
        self.certificate = certificate
        self.ctype = certificate.certificate_type
        self.person = certificate.person
        self.font = font
        self.qr = make_qr(certificate_verify_url(certificate), error="Q")
        self.photo = _photo(self.person)

    # ---------------------------------------------------------------- texts

    def identity_rows(self) -> list[tuple[str, str]]:
        rows = [
            (_("Certificate number"), self.certificate.number),
            (_("Name"), self.person.name),
            (_("Sex"), self.person.get_sex_display()),
            (_("ID number"), self.person.id_number_masked),
        ]
        if self.ctype.operation_category:
            rows.append((_("Operation category"), self.ctype.operation_category))
        items = certificate_items_text(self.certificate)
        if items:
            rows.append((_("Operation item"), items))
        return rows

    def date_rows(self) -> list[tuple[str, str]]:
        c = self.certificate
        rows = [
            (_("First issued on"), _date(c.first_issued_on)),
            (
                _("Valid period"),
                _("%(start)s to %(end)s")
                % {"start": _date(c.valid_from), "end": _date(c.valid_until)},
            ),
        ]
        if c.next_review_on:
            rows.append((_("Review due on"), _date(c.next_review_on)))
        if c.last_reviewed_on:
            rows.append((_("Reviewed on"), _date(c.last_reviewed_on)))
        rows.append((_("Issuing authority"), c.issuer_name))
        return rows

    # ---------------------------------------------------------------- pages

    def render(self, variant: str) -> bytes:
        buf = io.BytesIO()
        pagesize = A4 if variant == "a4" else CARD_SIZE
        # initialFontName: otherwise reportlab lists (unembedded) Helvetica on every page.
        canvas = Canvas(
            buf, pagesize=pagesize, pageCompression=1, invariant=1, initialFontName=self.font
        )
        canvas.setTitle(f"{self.ctype.name} {self.certificate.number}")
        canvas.setAuthor(self.certificate.issuer_name)
        canvas.setSubject(self.person.name)
        draw: dict[str, Callable[[Canvas], None]] = {"a4": self._a4, "card": self._card}
        draw[variant](canvas)
        canvas.save()
        return buf.getvalue()

    def _a4(self, c: Canvas) -> None:
        width, height = A4
        _frame(c, width, height, outer=10 * mm, inner=12.5 * mm, line=1.6)
        left, right = 28 * mm, width - 28 * mm

        c.setFillColorRGB(*ACCENT)
        _centred(c, self.font, self.ctype.name, width / 2, height - 42 * mm, 22, right - left)
        c.setFillColorRGB(*MUTED)
        _centred(c, self.font, self.certificate.issuer_name, width / 2, height - 52 * mm, 12)
        c.setStrokeColorRGB(*ACCENT)
        c.setLineWidth(0.8)
        c.line(left, height - 58 * mm, right, height - 58 * mm)

        photo_w, photo_h = 30 * mm, 40 * mm
        photo_x, photo_top = right - photo_w, height - 68 * mm
        if self.photo is not None:
            _draw_photo(c, self.photo, photo_x, photo_top - photo_h, photo_w, photo_h)

        label_x, value_x = left + 2 * mm, left + 40 * mm
        y, step = height - 74 * mm, 11.5 * mm
        for label, value in self.identity_rows() + self.date_rows():
            # Rows beside the photo stop short of it; rows below it may use the full width.
            beside_photo = self.photo is not None and y > photo_top - photo_h - 4 * mm
            limit = (photo_x - 5 * mm if beside_photo else right) - value_x
            c.setFillColorRGB(*MUTED)
            _left(c, self.font, label, label_x, y, 11, value_x - label_x - 3 * mm)
            c.setFillColorRGB(0, 0, 0)
            _left(c, self.font, value, value_x, y, 14, limit)
            y -= step

        qr_x, qr_y = right - QR_SIDE_A4 + 4 * mm, 30 * mm  # the quiet zone overlaps the margin
        draw_qr(c, self.qr, qr_x, qr_y, QR_SIDE_A4)
        c.setFillColorRGB(0, 0, 0)
        _centred(c, self.font, _("Scan to verify"), qr_x + QR_SIDE_A4 / 2, qr_y - 2 * mm, 11)
        c.setFillColorRGB(*MUTED)
        note_width = qr_x - left - 4 * mm
        _left(
            c,
            self.font,
            _("Scan the QR code for the certificate's current status."),
            left + 2 * mm,
            40 * mm,
            9,
            note_width,
        )
        c.showPage()

    def _card(self, c: Canvas) -> None:
        width, height = CARD_SIZE
        pad = 3.5 * mm

        # Front: title band, photo, who holds it and for what.
        c.setFillColorRGB(*ACCENT)
        c.rect(0, height - 10 * mm, width, 10 * mm, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        _centred(c, self.font, self.ctype.name, width / 2, height - 6.6 * mm, 8.5, width - 2 * pad)
        x = pad
        if self.photo is not None:
            _draw_photo(c, self.photo, pad, height - 40 * mm, 20 * mm, 27 * mm)
            x = pad + 23 * mm
        y = height - 15.5 * mm
        for label, value in self.identity_rows():
            c.setFillColorRGB(*MUTED)
            _left(c, self.font, label, x, y, 5.5, 14 * mm)
            c.setFillColorRGB(0, 0, 0)
            _left(c, self.font, value, x + 15 * mm, y, 7, width - pad - x - 15 * mm)
            y -= 5.6 * mm
        c.setFillColorRGB(*MUTED)
        _left(c, self.font, self.certificate.issuer_name, pad, 3 * mm, 5.5, width - 2 * pad)
        c.showPage()

        # Back: the dates, the issuer and the QR, large enough to scan from the card.
        _frame(c, width, height, outer=1.5 * mm, inner=2.3 * mm, line=0.6)
        qr_x, qr_y = width - QR_SIDE_CARD - 2.5 * mm, (height - QR_SIDE_CARD) / 2 + 2 * mm
        draw_qr(c, self.qr, qr_x, qr_y, QR_SIDE_CARD)
        c.setFillColorRGB(0, 0, 0)
        _centred(c, self.font, _("Scan to verify"), qr_x + QR_SIDE_CARD / 2, qr_y - 1.5 * mm, 6.5)
        text_width = qr_x - 2 * pad
        y = height - 8 * mm
        for label, value in self.date_rows():
            c.setFillColorRGB(*MUTED)
            c.setFont(self.font, 5.5)
            c.drawString(pad + 1 * mm, y, label)
            c.setFillColorRGB(0, 0, 0)
            _left(c, self.font, value, pad + 1 * mm, y - 3.2 * mm, 7, text_width)
            y -= 8.4 * mm
        c.showPage()


# -------------------------------------------------------------------- drawing helpers


def _fitted(font: str, text: str, size: float, max_width: float | None) -> float:
    """``size``, or smaller so ``text`` fits in ``max_width`` (long type names, issuers)."""
    if max_width is None:
        return size
    width = stringWidth(text, font, size)
    return size if width <= max_width else max(size * max_width / width, size * 0.5)


def _left(c: Canvas, font: str, text: str, x: float, y: float, size: float, max_width=None):
    c.setFont(font, _fitted(font, text, size, max_width))
    c.drawString(x, y, text)


def _centred(c: Canvas, font: str, text: str, x: float, y: float, size: float, max_width=None):
    c.setFont(font, _fitted(font, text, size, max_width))
    c.drawCentredString(x, y, text)


def _frame(c: Canvas, width: float, height: float, *, outer: float, inner: float, line: float):
    """A double border: a heavy outer line and a hairline inside it."""
    c.saveState()
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(line)
    c.rect(outer, outer, width - 2 * outer, height - 2 * outer, stroke=1, fill=0)
    c.setLineWidth(line / 3)
    c.rect(inner, inner, width - 2 * inner, height - 2 * inner, stroke=1, fill=0)
    c.restoreState()


def _photo(person) -> ImageReader | None:
    """The holder's photo, downscaled, or None when there is none or it cannot be read (a
    missing or broken file must not stop the certificate from printing)."""
    if not person.photo:
        return None
    try:
        with person.photo.open("rb") as fh:
            original = fh.read()
        image = Image.open(io.BytesIO(original))  # reads the header only
        if _embed_as_is(image, original):
            return _JpegPhoto(original)
        image.draft("RGB", PHOTO_MAX_PIXELS)  # JPEG: decode at a reduced scale, fast
        image.load()
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        log.warning("photo of person %s not used: %s", person.pk, exc)
        return None
    image = image.convert("RGB")
    image.thumbnail(PHOTO_MAX_PIXELS)
    # Handed over as JPEG, reportlab embeds it as is (DCTDecode); a PIL image would be
    # embedded as deflated raw pixels, ten times larger for a real photo.
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=85)
    return _JpegPhoto(jpeg.getvalue())


def _embed_as_is(image: Image.Image, original: bytes) -> bool:
    """A JPEG ID photo already near print size (the 1-inch photo is 413 x 579 px) goes into
    the PDF unchanged: decoding, scaling and encoding it again took as long as drawing the
    rest of the page, and would only lose quality. reportlab must read its frame header too
    (it embeds what it reads there); anything else goes through Pillow as before."""
    width, height = image.size
    limit_w, limit_h = PHOTO_AS_IS_PIXELS
    if image.format != "JPEG" or image.mode not in ("RGB", "L"):
        return False
    if width > limit_w or height > limit_h:
        return False
    try:
        readJPEGInfo(io.BytesIO(original))
    except Exception:  # reportlab raises bare PDFError / ValueError for what it cannot read
        return False
    return True


class _JpegPhoto(ImageReader):
    """JPEG bytes that reportlab embeds as they are (DCTDecode). reportlab's drawImage names
    an image by hashing its decoded pixels (to embed a repeated picture once per document),
    which would decode every photo once more: the JPEG bytes name it just as well."""

    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data))
        self._jpeg = data

    def getRGBData(self):  # reportlab's name
        self._dataA = None  # no alpha channel (drawImage reads it after this call)
        return self._jpeg


def _draw_photo(c: Canvas, photo: ImageReader, x: float, y: float, w: float, h: float) -> None:
    c.drawImage(photo, x, y, w, h, preserveAspectRatio=True, anchor="c")
    c.saveState()
    c.setStrokeColorRGB(*MUTED)
    c.setLineWidth(0.4)
    c.rect(x, y, w, h, stroke=1, fill=0)
    c.restoreState()
