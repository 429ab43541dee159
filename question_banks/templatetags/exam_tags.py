from django import template

from question_banks.richtext import rich as _rich

register = template.Library()


@register.filter
def rich(html):
    """Render question HTML after sanitising it."""
    return _rich(html)


@register.filter
def letter(index):
    """0 -> A: options are re-lettered in the order this examinee sees them."""
    return "ABCDEFGH"[int(index)]


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
