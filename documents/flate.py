"""Deflate (zlib format) for every stream of every PDF the product writes.

ISA-L's deflate (the ``isal`` package: Intel's Intelligent Storage Acceleration Library,
BSD-3-Clause, with Python bindings under the PSF licence) writes streams any PDF reader
inflates, several times faster than zlib at the same level. A certificate's font subset
(35 KB) took 0.65 ms with zlib's level 1 and 0.08 ms with ISA-L's (1 % larger); its QR path
(21 KB) 0.09 and 0.03 ms (8 % smaller), measured in a loop of their own. With 2 workers
(bench/bench_certificates.py) a certificate's CPU went from 3.40 to 3.1 ms with its QR and
from 2.72 to 2.55 ms without. The output is the same for the same input, so a certificate
keeps giving the same bytes.
"""

from __future__ import annotations

from isal import isal_zlib

# ISA-L's levels go from 0 to 3; at 1 a certificate's streams come out about as large as
# with zlib's level 1, which the PDFs used before.
LEVEL = 1


def deflate(data: bytes) -> bytes:
    """``data`` as a zlib stream (what a PDF's ``/FlateDecode`` filter reads)."""
    return isal_zlib.compress(data, LEVEL)
