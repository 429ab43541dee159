"""The fast QR encoder (certificates/trust/qr_encode.py) builds exactly qrcode's matrix: same
version, same modules, for every level and mask and every kind of data qrcode segments
(numeric runs, alphanumeric, bytes, Chinese in UTF-8), and refuses what qrcode refuses.
That the codes decode is tests/certificates/test_trust_qr_pdf.py (zxing-cpp), through
make_qr, which uses this encoder."""

import random

import pytest
import qrcode

from certificates.trust.qr import ERROR_LEVELS, QRTooLarge, make_qr
from certificates.trust.qr_encode import DataOverflow, qr_modules

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def reference(data: str, level: int, mask: int):
    qr = qrcode.QRCode(error_correction=level, border=0, mask_pattern=mask)
    qr.add_data(data, optimize=20)
    qr.make(fit=True)
    return qr.version, tuple(tuple(bool(m) for m in row) for row in qr.modules)


def samples() -> list[str]:
    rng = random.Random(27)
    token = "".join(rng.choice(BASE32) for _ in range(380))
    mixed = "abcXYZ0123456789/:.-_?=&% 中文·证书"
    out = [
        "HTTPS://AQPX.EXAMPLE.GOV.CN/V/" + token,  # a certificate's verify URL
        "https://aqpx.example.gov.cn/v/" + token,  # byte mode, then alphanumeric
        "12345678901234567890123" + token[:40],  # a numeric segment first
        "A",
        "1",
        "é",
        "证书核验",
    ]
    out += ["".join(rng.choice(mixed) for _ in range(rng.randint(1, 300))) for _ in range(25)]
    return out


@pytest.mark.parametrize("level", sorted(ERROR_LEVELS))
def test_the_same_matrix_as_qrcode(level):
    code = ERROR_LEVELS[level]
    for i, data in enumerate(samples()):
        mask = i % 8
        assert qr_modules(data, code, mask) == reference(data, code, mask), (level, data)


@pytest.mark.parametrize("mask", range(8))
def test_every_mask_of_a_verify_url(mask):
    data = samples()[0]
    code = ERROR_LEVELS["Q"]
    assert qr_modules(data, code, mask) == reference(data, code, mask)


def test_make_qr_uses_it_and_keeps_its_answers():
    data = samples()[0]
    qr = make_qr(data)
    assert (qr.version, qr.rows) == reference(data, ERROR_LEVELS["Q"], 4)
    assert qr.mask == 4 and qr.error == "Q"


def test_too_much_data_is_refused_as_before():
    with pytest.raises(DataOverflow):
        qr_modules("A" * 5000, ERROR_LEVELS["Q"], 4)
    with pytest.raises(QRTooLarge):
        make_qr("A" * 2000, error="Q")
    with pytest.raises(QRTooLarge):
        make_qr("A" * 600, error="Q", max_version=10)


@pytest.mark.parametrize("level", sorted(ERROR_LEVELS))
def test_the_same_matrix_as_qrcode_for_every_version_up_to_the_limit(level):
    # Alphanumeric data of growing (odd and even) length reaches every version up to 19 at
    # each level, so every block layout (one size of block, or two sizes) is compared.
    code = ERROR_LEVELS[level]
    rng = random.Random(level)
    versions = set()
    for length in range(1, 1300, 23):
        data = "".join(rng.choice(BASE32) for _ in range(length))
        expected = reference(data, code, 4)
        if expected[0] > 19:
            break
        versions.add(expected[0])
        assert qr_modules(data, code, 4) == expected, (level, length)
    assert len(versions) >= 12
