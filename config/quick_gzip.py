"""A page gzipped at zlib's level 1 instead of GZipMiddleware's level 6.

The exam page is ~116 KB of HTML for a hundred questions and a thousand examinees open it
at 9:00 on two cores. zlib at level 6 spent ~1.8 ms of CPU on it, more than everything
else the page costs once its frame is kept (bench/bench_requests.py, "exam page (first,
gzip)"); level 1 spends ~0.35 ms and still sends about a tenth of the HTML (~15 KB against
~10 KB at level 6). A view marked `@gzip_quickly` compresses its own answer, as
GZipMiddleware would (same Vary header, same BREACH padding of the gzip header, same
ETag weakening), and the middleware then leaves it alone (it skips an answer that already
has a Content-Encoding).
"""

from __future__ import annotations

import gzip
import re
import secrets
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

LEVEL = 1
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_SHORT = 200  # GZipMiddleware's: shorter answers gain nothing


def compress_quickly(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """GZipMiddleware.process_response at level 1, for a response held in memory."""
    if response.streaming or len(response.content) < _SHORT:
        return response
    if response.has_header("Content-Encoding"):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if not _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return response
    packed = gzip.compress(response.content, compresslevel=LEVEL, mtime=0)
    # BREACH: a random-length file name in the gzip header, as Django's compress_string.
    padding = b"a" * secrets.randbelow(GZipMiddleware.max_random_bytes) + b"\x00"
    header = bytearray(packed[:10])
    header[3] = gzip.FNAME
    packed = bytes(header) + padding + packed[10:]
    if len(packed) >= len(response.content):
        return response
    response.content = packed
    response.headers["Content-Length"] = str(len(packed))
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag
    response.headers["Content-Encoding"] = "gzip"
    return response


def gzip_quickly(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose answers are gzipped at level 1 (see the module's docstring)."""

    @wraps(view)
    def compressed(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return compress_quickly(request, view(request, *args, **kwargs))

    return compressed
