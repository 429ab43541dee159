"""Every PDF stream is deflated by documents.flate: what it writes, zlib reads back."""

import zlib

from documents.flate import deflate
from documents.fonts import restrict_reportlab


def test_a_stream_inflates_to_its_bytes_and_the_same_bytes_deflate_alike():
    data = b"".join(b"%3d%3d%3d%3d re\n" % (i % 77, i // 77, 1 + i % 5, 1) for i in range(1400))

    stream = deflate(data)

    assert zlib.decompress(stream) == data
    assert len(stream) < len(data) // 3
    assert deflate(data) == stream  # a certificate keeps giving the same bytes


def test_reportlab_writes_its_streams_through_it():
    from reportlab.pdfbase import pdfdoc

    restrict_reportlab()  # what every PDF of the product calls before it is built
    data = "第一行\n".encode() * 500

    assert pdfdoc.PDFZCompress.encode(data) == deflate(data)
