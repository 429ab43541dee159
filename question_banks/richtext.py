"""Question text is HTML from banks and imports; it is cleaned before anyone sees it."""

import functools

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


# A paper is drawn from a bank of a few thousand questions, so at 9:00 a thousand exam pages
# show the same texts over and over; cleaning is a pure function of the text.
@functools.lru_cache(maxsize=32768)
def clean_html(html: str) -> str:
    return nh3.clean(
        html or "", tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "data"}
    )


def rich(html: str) -> SafeString:
    # Safe: nh3 has just removed scripts, event handlers and unknown tags.
    return mark_safe(clean_html(html))
