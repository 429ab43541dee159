"""What a lesson page shows the signed-in trainee: this lesson's credit and their hours.

The lesson page is rendered by Wagtail (courses.models.LessonPage), so its study context
comes in through this tag instead of a view; the reads are in courses.selectors.
"""

from django import template

from courses import selectors
from courses.models import StudySettings

register = template.Library()


@register.simple_tag
def lesson_study(page, user):
    """None when the user is not a trainee (staff previewing a lesson, say)."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None:
        return None
    return {
        "person": person,
        "lesson": selectors.lesson_study(person=person, lesson=page),
        "course": selectors.lesson_course(page),
        "hours": selectors.year_hours(person=person),
        "webcam": StudySettings.load().webcam_snapshots,
    }


@register.filter
def clock(seconds):
    """Seconds as m:ss or h:mm:ss, the way the lesson page's meter shows them."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
