"""The public verify page and the documents offline verifiers download. No login anywhere.

The page's URL holds the token, which identifies a person: the responses are not stored by
caches or search engines, and they send no referrer onwards.
"""

from __future__ import annotations

import json
from html import escape

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_noop, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from certificates.models import Verification
from certificates.services import verification as service
from certificates.services.status import CACHE_SECONDS, status_list_token
from certificates.trust.status_list import TYP
from config.lane import answer_anonymously, session_free
from config.page_shell import PageShell, is_bare
from config.process_memory import register_reset
from roster.networks import client_site
from roster.services.audit import client_ip

JSON = "application/json; charset=utf-8"
KEYS_MAX_AGE = 3600
# Shorter than the server's own cache: a revocation reaches offline verifiers within minutes.
STATUS_LIST_MAX_AGE = min(300, CACHE_SECONDS)
# A phone that scans a QR code has no session here: it gets the page's frame as rendered
# once per language, with this request's verdict filled in (config/page_shell.py).
PAGE = PageShell("certificates/verify.html")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def client_of(request: HttpRequest) -> tuple[str, str, str]:
    """(coarse network, coarse browser, IPv6 site) of the request, for the rate limit and
    the log. Behind reverse proxies (settings.TRUSTED_PROXY_COUNT) the client is the address
    the proxy saw, not the proxy's own: otherwise all inspectors would share one limit."""
    address = client_ip(request)
    return (
        service.client_network(address),
        service.client_agent(request.META.get("HTTP_USER_AGENT")),
        client_site(address),
    )


_SAFE = frozenset({"GET", "HEAD"})


def _page_without_session(request: HttpRequest, token: str) -> HttpResponse | None:
    """The session-free lane's (config/lane.py): on an inspection day these come several
    hundred a second from phones that scanned a QR code and hold no cookie of ours; for
    them the session, account, CSRF and messages middleware only find that nobody is
    signed in, and cost a third of the request (bench/bench_requests.py --profile). A
    visitor with a session or messages (config/page_shell.is_bare) goes the usual way."""
    if request.method in _SAFE and is_bare(request):
        return answer_anonymously(request, verify_page, token)
    return None


def json_without_session(request: HttpRequest, token: str) -> HttpResponse | None:
    """GET /api/verify/<token>'s, as the page's (certificates/api.py marks it)."""
    return answer_anonymously(request, verify_json, token) if is_bare(request) else None


@session_free(_page_without_session)
@require_safe
def verify_page(request: HttpRequest, token: str) -> HttpResponse:
    network, agent, site = client_of(request)
    if not service.verification_allowed(network, site):
        response = PAGE.render(
            request, {"limited": True, "message": service.rate_limit_message()}, status=429
        )
        response["Retry-After"] = str(service.RATE_WINDOW_SECONDS)
        return _private(response)
    verdict = service.certificate_verify(token=token)
    service.verification_log(
        verdict=verdict, channel=Verification.Channel.WEB, network=network, agent=agent
    )
    return _private(PAGE.render(request, page_context(verdict)))


def verify_json(request: HttpRequest, token: str) -> HttpResponse:
    """GET /api/verify/<token> (certificates/api.py documents it): the verdict's fields, or
    429 with the API's refusal, never stored by a cache."""
    network, agent, site = client_of(request)
    if not service.verification_allowed(network, site):
        refusal = {"detail": service.rate_limit_message(), "code": "rate_limited"}
        response = HttpResponse(json.dumps(refusal), content_type=JSON, status=429)
        response["Retry-After"] = str(service.RATE_WINDOW_SECONDS)
    else:
        verdict = service.certificate_verify(token=token)
        service.verification_log(
            verdict=verdict, channel=Verification.Channel.API, network=network, agent=agent
        )
        # Already in the API's VerifyOut shape (tests/certificates/test_verify.py holds them
        # together): sent as it is, not validated field by field again on every look-up.
        response = HttpResponse(json.dumps(verdict.to_dict()), content_type=JSON)
    response["Cache-Control"] = "no-store"
    return response


def page_context(verdict: service.Verdict) -> dict:
    """What the page shows, worded and formatted here rather than in the template: each
    {% trans %}, {% if %} branch and date filter costs the template engine 10-20 us, and a
    thousand inspectors' phones wait on them (bench/bench_requests.py --profile)."""
    fields = verdict.fields()
    tone, mark = _TONES.get(verdict.status, ("", "✕"))
    checked = _("Checked %(when)s.") % {
        "when": timezone.localtime(verdict.checked_at).strftime("%Y-%m-%d %H:%M")
    }
    if verdict.signature.kid:
        checked += " " + _("Signing key %(kid)s.") % {"kid": verdict.signature.kid}
    return {
        "status": verdict.status,
        "tone": tone,
        "mark": mark,
        "word": verdict.label,
        "why": _explanation(verdict, fields),
        "facts": _facts(fields) if verdict.genuine else "",
        "checked": checked,
    }


# The banner's colour and sign per status: green tick when in force, amber "!" when the
# holder can put it right (a review, a suspension, a question for the issuer), grey cross
# when a newer card or a cancellation took its place, red cross otherwise.
_TONES = {
    "valid": ("ok", "✓"),
    "expiring": ("ok", "✓"),
    "review_soon": ("ok", "✓"),
    "review_due": ("warn", "!"),
    "suspended": ("warn", "!"),
    "unknown": ("warn", "!"),
    "replaced": ("gone", "✕"),
    "cancelled": ("gone", "✕"),
}


# What each status means for the inspector (English msgids; the catalogue has the Chinese).
_WHY = {
    "valid": gettext_noop("Genuine, and in force today."),
    "expiring": gettext_noop("Genuine and in force; its review or renewal is due within 90 days."),
    "review_soon": gettext_noop("Genuine and in force; its review is due within 90 days."),
    "review_due": gettext_noop(
        "Genuine, but the review due on %(date)s has not been recorded: not valid until it is."
    ),
    "expired": gettext_noop("Genuine, but its validity ended on %(date)s."),
    "suspended": gettext_noop(
        "Genuine, but suspended by the issuing authority: not valid while suspended."
    ),
    "revoked": gettext_noop("Genuine, but revoked by the issuing authority: no longer valid."),
    "cancelled": gettext_noop("Genuine, but cancelled: no longer valid."),
    "replaced": gettext_noop(
        "This card has been replaced by a newer one and is no longer valid. "
        "Ask the holder for the current card."
    ),
    "unknown": gettext_noop(
        "The signature is genuine, so the details below were issued by us; but the "
        "certificate is not in the register, so its current status is unknown. "
        "Ask the issuing authority."
    ),
}
# Why a signature failed, by reason; any other reason: altered or not ours.
_WHY_INVALID = {
    "unknown_key": gettext_noop(
        "This QR code was signed with a key we do not publish. Do not accept this certificate."
    ),
    "malformed": gettext_noop(
        "This is not a readable certificate QR code: it is damaged, cut short or not ours. "
        "Do not accept it without checking with the issuing authority."
    ),
    "not_yet_valid": gettext_noop(
        "This QR code claims to be issued in the future. Do not accept it."
    ),
}
_ALTERED = gettext_noop(
    "This QR code was altered or was not issued by us. Do not accept this certificate."
)
# The date a status's sentence names.
_WHY_DATE = {"review_due": "next_review", "expired": "expires"}


def _explanation(verdict: service.Verdict, fields: dict) -> str:
    """The sentence under the banner's word: what the status means for the inspector."""
    message = _WHY.get(verdict.status) or _WHY_INVALID.get(verdict.signature.reason, _ALTERED)
    text = _(message)
    if verdict.status in _WHY_DATE:
        text %= {"date": _day(fields[_WHY_DATE[verdict.status]])}
    return text


def _day(value) -> str:
    return value.isoformat() if value else "—"


def _facts(fields: dict) -> SafeString:
    """The details list as <dt>/<dd> pairs, labelled and formatted here: a template loop
    costs ~10 us per value it prints, format_html_join about as much, and this list has
    eleven rows. Every value is escaped below; the period is dates (ISO) and markup of ours."""
    labels = _labels()
    sex = {"M": labels["male"], "F": labels["female"]}.get(fields["holder_sex"] or "", "—")
    period = (
        f'<span class="nowrap">{_day(fields["valid_from"])}</span> {escape(labels["to"])} '
        f'<span class="nowrap">{_day(fields["expires"])}</span>'
    )
    rows = [
        ("name", fields["holder_name"] or "—"),
        ("sex", sex),
        ("number", fields["number"]),
        ("type", fields["type_name"]),
        ("category", fields["operation_category"] or "—"),
        ("item", fields["operation_item"] or "—"),
        ("first_issued", _day(fields["first_issued"])),
        ("period", None),
        ("next_review", _day(fields["next_review"])),
        ("last_reviewed", _day(fields["last_reviewed"])),
        ("issuer", fields["issuer"] or "—"),
    ]
    parts = []
    for key, value in rows:
        if key == "type" and not value:
            continue  # a token read without the register names no certificate type
        dd = period if key == "period" else escape(str(value))
        css = ' class="mono"' if key == "number" else ""
        parts.append(f"<dt>{escape(labels[key])}</dt><dd{css}>{dd}</dd>")
    return mark_safe("\n".join(parts))


_LABEL_CACHE: dict[str, dict[str, str]] = {}
register_reset(_LABEL_CACHE.clear)


def _labels() -> dict[str, str]:
    """The details' labels in the active language (translated once per language)."""
    language = get_language()
    labels = _LABEL_CACHE.get(language)
    if labels is None:
        labels = _LABEL_CACHE[language] = {
            "name": _("Full name"),
            "sex": _("Sex"),
            "male": _("Male"),
            "female": _("Female"),
            "number": _("Certificate No."),
            "type": _("Certificate"),
            "category": _("Operation category"),
            "item": _("Operation item"),
            "first_issued": _("First issued"),
            "period": _("Valid period"),
            "to": pgettext("date range", "to"),
            "next_review": _("Review due on"),
            "last_reviewed": _("Reviewed on"),
            "issuer": _("Issued by"),
        }
    return labels


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
