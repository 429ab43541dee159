from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from roster.choices import RegionLevel

if TYPE_CHECKING:
    from roster.models import Region

# Length and the digits a child shares with its parent, per level.
_SHAPE = {
    RegionLevel.PROVINCE: (6, 0),
    RegionLevel.CITY: (6, 2),
    RegionLevel.COUNTY: (6, 4),
    RegionLevel.TOWNSHIP: (9, 6),
}


def region_validate_code(*, code: str, level: int, parent: Region | None) -> None:
    """A division code must have the level's length and start with its parent's prefix."""
    length, shared = _SHAPE[RegionLevel(level)]
    if len(code) != length or not code.isdigit():
        raise ValidationError({"code": _("A code at this level has %(n)d digits.") % {"n": length}})
    if level == RegionLevel.PROVINCE:
        if parent is not None:
            raise ValidationError({"parent": _("A province has no parent region.")})
        return
    if parent is None or parent.level != level - 1:
        raise ValidationError({"parent": _("The parent must be one level above.")})
    if code[:shared] != parent.code[:shared]:
        raise ValidationError(
            {
                "code": _("The code must start with the parent's code %(p)s.")
                % {"p": parent.code[:shared]}
            }
        )
