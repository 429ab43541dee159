from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.8125 -> "81.3%"; nobody in the denominator -> "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def urlencode_dict(mapping) -> str:
    from django.utils.http import urlencode

    return urlencode(mapping or {})
