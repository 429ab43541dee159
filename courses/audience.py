"""Who a course is for, matched against whom a signed-in person is.

Below the page models (it imports only the roster): the course index page's get_context uses
it, and so can any selector, without the pages and the selectors importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from roster.models import Employment, User

if TYPE_CHECKING:
    from courses.models import CoursePage


@dataclass(frozen=True)
class Audience:
    """Who a signed-in person is for course matching: categories and industries now held."""

    categories: frozenset[str] = frozenset()
    industry_ids: frozenset[int] = frozenset()

    @property
    def known(self) -> bool:
        return bool(self.categories)


def person_audience(user: User) -> Audience:
    person_id = getattr(user, "person_id", None) if user.is_authenticated else None
    if person_id is None:
        return Audience()
    rows = Employment.objects.current().filter(person_id=person_id)
    rows = rows.values_list("category", "enterprise__industry_id")
    return Audience(
        categories=frozenset(category for category, _ in rows),
        industry_ids=frozenset(industry for _, industry in rows if industry),
    )


def course_is_for(course: CoursePage, audience: Audience) -> bool:
    """Empty categories or industries on a course mean "everyone"."""
    if not audience.known:
        return False
    categories = set(course.personnel_categories or [])
    if categories and not categories & audience.categories:
        return False
    industry_ids = {industry.pk for industry in course.industries.all()}
    return not industry_ids or bool(industry_ids & audience.industry_ids)
