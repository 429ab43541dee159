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


@register.filter
def personnel_category(value):
    """A roster personnel category's value as its (translated) name."""
    from roster.choices import PersonnelCategory

    try:
        return PersonnelCategory(value).label
    except ValueError:
        return value


@register.filter
def category_depth(category):
    """How deep a category sits in its bank's tree: 0 at the top."""
    return max(category.path.count("/") - 2, 0)
