"""Question text is HTML from banks and imports; it is cleaned before anyone sees it."""

import functools
import re

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


# The only characters nh3 changes in text without markup (checked over every code point:
# it escapes & < > and the no-break space, drops NUL and turns CR into LF).
_MARKUP_OR_CHANGED = re.compile("[\x00\r&<>\xa0]")


def clean_html(html: str) -> str:
    """The text with scripts, handlers and unknown tags removed. Plain text (most of an
    imported bank: stems, options, explanations) comes back as it is without a parse."""
    if not html:
        return ""
    if _MARKUP_OR_CHANGED.search(html) is None:
        return html
    return _clean_markup(html)


# A paper is drawn from a bank of a few thousand questions, so at 9:00 a thousand exam pages
# show the same texts over and over; cleaning is a pure function of the text.
@functools.lru_cache(maxsize=32768)
def _clean_markup(html: str) -> str:
    return nh3.clean(
        html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "data"}
    )


def rich(html: str) -> SafeString:
    # Safe: nh3 has just removed scripts, event handlers and unknown tags.
    return mark_safe(clean_html(html))
