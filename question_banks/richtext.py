"""Question text is HTML from banks and imports; it is cleaned before anyone sees it."""

import nh3
from django.utils.safestring import SafeString, mark_safe

_TAGS = {
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "sub",
    "sup",
    "span",
    "div",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "img",
    "pre",
    "code",
    "blockquote",
}
_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def clean_html(html: str) -> str:
    return nh3.clean(
        html or "", tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "data"}
    )


def rich(html: str) -> SafeString:
    # Safe: nh3 has just removed scripts, event handlers and unknown tags.
    return mark_safe(clean_html(html))
