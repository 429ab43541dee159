"""The public verify page and the documents offline verifiers download. No login anywhere.

The page's URL holds the token, which identifies a person: the responses are not stored by
caches or search engines, and they send no referrer onwards.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from certificates.models import Verification
from certificates.services import verification as service
from certificates.services.status import CACHE_SECONDS, status_list_token
from certificates.trust.status_list import TYP
from roster.services.audit import client_ip

KEYS_MAX_AGE = 3600
# Shorter than the server's own cache: a revocation reaches offline verifiers within minutes.
STATUS_LIST_MAX_AGE = min(300, CACHE_SECONDS)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def client_of(request: HttpRequest) -> tuple[str, str]:
    """(coarse network, coarse browser) of the request, for the rate limit and the log.
    Behind reverse proxies (settings.TRUSTED_PROXY_COUNT) the client is the address the
    proxy saw, not the proxy's own: otherwise all inspectors would share one limit."""
    return (
        service.client_network(client_ip(request)),
        service.client_agent(request.META.get("HTTP_USER_AGENT")),
    )


@require_safe
def verify_page(request: HttpRequest, token: str) -> HttpResponse:
    network, agent = client_of(request)
    if not service.verification_allowed(network):
        response = render(
            request,
            "certificates/verify.html",
            {"limited": True, "message": service.rate_limit_message()},
            status=429,
        )
        response["Retry-After"] = str(service.RATE_WINDOW_SECONDS)
        return _private(response)
    verdict = service.certificate_verify(token=token)
    service.verification_log(
        verdict=verdict, channel=Verification.Channel.WEB, network=network, agent=agent
    )
    fields = verdict.fields()
    context = {
        "verdict": verdict,
        "fields": fields,
        "facts": _facts(fields) if verdict.genuine else [],
        "checked_at": timezone.localtime(verdict.checked_at),
    }
    return _private(render(request, "certificates/verify.html", context))


def _day(value) -> str:
    return value.isoformat() if value else "—"


def _facts(fields: dict) -> list[tuple[str, str, str]]:
    """The page's details as (label, value, CSS class), labelled and formatted here: each
    {% trans %} and date filter costs the template engine ~20 us, and a thousand inspectors'
    phones wait on them (bench/bench_requests.py --profile)."""
    sex = {"M": _("Male"), "F": _("Female")}.get(fields["holder_sex"] or "", "—")
    period = format_html(
        '<span class="nowrap">{}</span> {} <span class="nowrap">{}</span>',
        _day(fields["valid_from"]),
        pgettext("date range", "to"),
        _day(fields["expires"]),
    )
    facts = [
        (_("Full name"), fields["holder_name"], ""),
        (_("Sex"), sex, ""),
        (_("Certificate No."), fields["number"], "mono"),
    ]
    if fields["type_name"]:
        facts.append((_("Certificate"), fields["type_name"], ""))
    return [
        *facts,
        (_("Operation category"), fields["operation_category"] or "—", ""),
        (_("Operation item"), fields["operation_item"] or "—", ""),
        (_("First issued"), _day(fields["first_issued"]), ""),
        (_("Valid period"), period, ""),
        (_("Review due on"), _day(fields["next_review"]), ""),
        (_("Reviewed on"), _day(fields["last_reviewed"]), ""),
        (_("Issued by"), fields["issuer"] or "—", ""),
    ]


@require_safe
def published_keys(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(service.published_keys(), json_dumps_params={"indent": 1})
    response["Cache-Control"] = f"public, max-age={KEYS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in other origins may fetch it
    return response


@require_safe
def status_list(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status_list_token(), content_type=TYP)
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
