"""Benchmark of the certificate trust core (certificates/trust/): prints figures, asserts nothing.

    .venv/bin/python bench/bench_certificate_core.py [--repeat 7] [--quick]

Each figure is the median over ``--repeat`` runs with the spread (min-max), next to the
machine's floor measured in the same process: a trivial Python call and SHA-256 of 1 KB.
Single process, single thread.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from certificates.trust.keys import KeyRing, generate_signing_key
from certificates.trust.qr import draw_qr, make_qr, qr_png, qr_svg
from certificates.trust.sample import sample_claims, sample_pdf
from certificates.trust.status_list import (
    Status,
    StatusList,
    sign_status_list,
    verify_status_list,
)
from certificates.trust.tokens import (
    TokenForm,
    sign_certificate,
    sign_certificate_token,
    verify_token,
    verify_url,
)

HOST = "https://aqpx.example.gov.cn"


def rate(fn, n: int, repeat: int) -> tuple[float, float, float]:
    """(median, min, max) operations per second over ``repeat`` runs of ``n`` calls."""
    fn()  # warm-up
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates), min(rates), max(rates)


def show(label: str, figures: tuple[float, float, float], unit: str = "/s") -> None:
    med, lo, hi = figures
    spread = (hi - lo) / med * 100 if med else 0
    print(f"  {label:<52} {med:>12,.0f}{unit}   (min {lo:,.0f}, max {hi:,.0f}; ±{spread / 2:.0f}%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="fewer iterations per run")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    n = lambda count: max(1, int(count * scale))  # noqa: E731
    r = args.repeat

    print(f"Python {platform.python_version()} on {platform.machine()} ({platform.processor()})")
    print(f"repeat={r}; figures are median ops/second (spread over runs)\n")

    print("Machine floor")

    def trivial():
        return None

    kilobyte = bytes(range(256)) * 4
    show("trivial Python function call", rate(trivial, n(200_000), r))
    show("SHA-256 of 1 KB", rate(lambda: hashlib.sha256(kilobyte).digest(), n(100_000), r))

    key = generate_signing_key()
    ring = KeyRing(key)
    claims = sample_claims()
    now = dt.datetime.now(dt.UTC)
    raw = sign_certificate(claims, key, issued_at=now)
    token = sign_certificate_token(claims, key, issued_at=now)
    url = verify_url(HOST, token)
    url_lower = verify_url(HOST, token, upper_case=False)

    full = sign_certificate_token(claims, key, issued_at=now, form=TokenForm.FULL)
    full_url = verify_url(HOST, full)

    print("\nToken and QR size (realistic payload: 3-character name, Chinese 作业类别/操作项目)")
    print(f"  compact form: COSE_Sign1 bytes {len(raw)}; digits {len(token)}; URL {len(url)}")
    print(f"  full form (before): base32 characters {len(full)}; URL {len(full_url)}")
    for label, data in (
        ("HTTPS://HOST/VERIFY/<T>", url),
        ("https://host/verify/<T>", url_lower),
        ("full form, upper case", full_url),
    ):
        versions = ", ".join(
            f"{lvl}: v{make_qr(data, error=lvl, max_version=40).version}" for lvl in "LMQH"
        )
        print(f"  QR version for {label:<26} {versions}")

    print("\nSigned QR payload (ES256 via cwt + cryptography)")
    show("tokens signed", rate(lambda: sign_certificate_token(claims, key), n(2_000), r))
    show(
        "tokens verified (decimal + COSE + ES256 + claims)",
        rate(lambda: verify_token(token, ring), n(2_000), r),
    )

    print("\nQR matrix + vector draw onto a reportlab canvas (level Q)")
    sink = rl_canvas.Canvas(io.BytesIO(), pagesize=A4)

    def fixed():
        draw_qr(sink, make_qr(url), 400, 60, 128)

    def auto():
        draw_qr(sink, make_qr(url, mask_pattern=None), 400, 60, 128)

    def png_embed():  # the usual way: library mask search, PIL image, embedded bitmap
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=4)
        qr.add_data(url)
        qr.make(fit=True)
        buf = io.BytesIO()
        qr.make_image().save(buf, format="PNG")
        buf.seek(0)
        sink.drawImage(ImageReader(buf), 400, 60, 128, 128)

    show("fixed mask (4), vectors", rate(fixed, n(200), r))
    show("automatic mask search, vectors", rate(auto, n(100), r))
    show("automatic mask, PNG image embedded", rate(png_embed, n(100), r))
    qr = make_qr(url)
    show("SVG string from a matrix", rate(lambda: qr_svg(qr), n(1_000), r))
    show("PNG bytes from a matrix (box 8)", rate(lambda: qr_png(qr), n(200), r))

    print("\nOne-page PDF (CJK font embedded and subset, Chinese text, vector QR)")
    sample_pdf(claims, url)  # registers the font once
    show(
        "PDFs rendered (sign + QR + PDF)",
        rate(
            lambda: sample_pdf(claims, verify_url(HOST, sign_certificate_token(claims, key))),
            n(30),
            r,
        ),
    )
    size = len(sample_pdf(claims, url))
    print(f"  PDF size: {size:,} bytes")

    print("\nStatus list, 1,000,000 entries (2 bits each = 250,000 bytes raw)")
    rng = random.Random(2026)
    for label, used, revoked, suspended, overdue in (
        # fractions of the used indexes: revoked, suspended, review overdue
        ("30% of indexes used; 0.5% revoked, 0.2% susp., 3% overdue", 0.30, 0.005, 0.002, 0.03),
        ("60% used; 1% revoked, 0.5% suspended, 5% review overdue", 0.60, 0.01, 0.005, 0.05),
        ("90% used; 2% revoked, 1% suspended, 10% review overdue", 0.90, 0.02, 0.01, 0.10),
        ("worst case: uniformly random statuses everywhere", 1.0, 0.25, 0.25, 0.25),
    ):
        lst = StatusList(1_000_000)
        for i in range(lst.size):
            if rng.random() < used:
                x = rng.random()
                if x < revoked:
                    lst[i] = Status.REVOKED
                elif x < revoked + suspended:
                    lst[i] = Status.SUSPENDED
                elif x < revoked + suspended + overdue:
                    lst[i] = Status.REVIEW_OVERDUE
        signed = sign_status_list(lst, key, issuer="ZJAJ", uri=f"{HOST}/status/1")
        print(f"  {label:<58} zlib {len(lst.compress()):>8,} B; signed CWT {len(signed):>8,} B")
    show(
        "status list token signed (1M entries)",
        rate(lambda: sign_status_list(lst, key, issuer="ZJAJ", uri=HOST), n(10), r),
    )
    show(
        "status list token verified + inflated",
        rate(lambda: verify_status_list(signed, ring), n(20), r),
    )


if __name__ == "__main__":
    main()
