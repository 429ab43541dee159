"""A minimal one-page certificate drawn with the trust core, for tests and benchmarks.

Not the product's layout (the certificate app owns that); it exercises the same pieces:
the embedded CJK font, Chinese text, and the vector QR of a signed verify URL.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas

from documents.fonts import register_cjk_font

from .qr import QRMatrix, draw_qr, make_qr
from .tokens import CertificateClaims


def sample_claims(
    number: str = "T330102********1234",
    status_index: int = 73519,
    public_id: str = "5f2c0a9e41d7b3c8",
):
    return CertificateClaims(
        number=number,
        public_id=public_id,
        issuer="ZJAJ",
        name="张三丰",
        id_masked="330102********1234",
        sex=1,
        type_code="TZ",
        category="电工作业",
        item="低压电工作业",
        first_issued=dt.date(2026, 1, 15),
        valid_from=dt.date(2026, 1, 15),
        valid_to=dt.date(2032, 1, 14),
        next_review=dt.date(2029, 1, 14),
        issuer_name="330100",
        status_index=status_index,
    )


def sample_pdf(claims: CertificateClaims, url: str, *, qr: QRMatrix | None = None) -> bytes:
    """One A4 page: title, the holder's fields in Chinese, the QR (40 mm) bottom right."""
    font = register_cjk_font().name
    buf = io.BytesIO()
    # initialFontName: otherwise reportlab references (unembedded) Helvetica on every page.
    c = rl_canvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=font)
    c.setTitle(f"特种作业操作证 {claims.number}")
    width, height = A4
    c.setFont(font, 24)
    c.drawCentredString(width / 2, height - 40 * mm, "中华人民共和国特种作业操作证")
    c.setFont(font, 13)
    rows = [
        ("姓名", claims.name),
        ("性别", {1: "男", 2: "女"}.get(claims.sex or 0, "")),
        ("证号", claims.id_masked),
        ("作业类别", claims.category or ""),
        ("操作项目", claims.item or ""),
        ("初领日期", claims.first_issued.isoformat() if claims.first_issued else ""),
        ("有效期", f"{claims.valid_from} 至 {claims.valid_to}"),
        ("应复审日期", claims.next_review.isoformat() if claims.next_review else ""),
        ("证书编号", claims.number),
    ]
    y = height - 70 * mm
    for label, value in rows:
        c.drawString(30 * mm, y, f"{label}：{value}")
        y -= 10 * mm
    c.setFont(font, 9)
    c.drawString(30 * mm, 30 * mm, "扫描二维码核验证书真伪及状态")
    draw_qr(c, qr or make_qr(url), width - 70 * mm, 25 * mm, 45 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
