"""Deflate (zlib format) for every stream of every PDF the product writes.

ISA-L's deflate (the ``isal`` package: Intel's Intelligent Storage Acceleration Library,
BSD-3-Clause, with Python bindings under the PSF licence) at its level 1 writes streams any PDF
reader inflates, about three times as fast as zlib's level 1 and a little smaller: a
certificate's font subset (35 KB) took 0.65 ms with zlib, its QR path (21 KB) 0.17 ms
(bench/bench_certificates.py). The output is the same for the same input, so a certificate
keeps giving the same bytes.
"""

from __future__ import annotations

from isal import isal_zlib

# ISA-L's levels go from 0 to 3; 1 compresses a certificate's streams as well as zlib's 6
# within a few per cent.
LEVEL = 1


def deflate(data: bytes) -> bytes:
    """``data`` as a zlib stream (what a PDF's ``/FlateDecode`` filter reads)."""
    return isal_zlib.compress(data, LEVEL)
