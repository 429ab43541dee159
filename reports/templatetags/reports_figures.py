"""Cells and links of the warning-education, rotation and campaign-month figure tables."""

from django import template

register = template.Library()


@register.simple_tag
def figure_value(values: dict, code: str, is_rate: bool) -> str:
    value = values.get(code)
    if value is None:
        return "—"
    if is_rate:
        return f"{value * 100:.1f}%"
    return str(value)


@register.simple_tag
def figure_link(row, enterprise_prefix: str, extra: str = "") -> str:
    """A region row opens the same page one level down; an enterprise row opens its people
    at `enterprise_prefix` + credit code."""
    key, _sep, value = row.link.partition("=")
    if key != "region" and not enterprise_prefix:
        return ""
    url = f"?region={value}" if key == "region" else f"{enterprise_prefix}{value}/"
    if not extra:
        return url
    return f"{url}&{extra}" if key == "region" else f"{url}?{extra}"
