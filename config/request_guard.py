"""Refuses a request whose path or query string carries a NUL byte, as 400 Bad Request.

A NUL cannot be part of any name, code or search this product knows, and PostgreSQL refuses
it in text ("A string literal cannot contain NUL"), so an ``%00`` that reaches a query turns
into a 500 deep in some view. Refusing it once, here, before the session and the views, keeps
every page and API answer to a clear 400 instead of checking in each view. Raised as a
SuspiciousOperation, so Django answers with `400.html` and logs it to ``django.security``.
Bodies are not looked at: forms refuse NUL themselves (Django's ProhibitNullCharactersValidator)
and the exam day's saves parse JSON into typed values.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation


class NulByteInRequest(SuspiciousOperation):
    pass


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WSGI servers hand the path over decoded; the query string stays percent-encoded.
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            raise NulByteInRequest("NUL byte in the request's path or query string")
        return self.get_response(request)
