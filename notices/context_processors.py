import functools

from .selectors import unread_count


def notices(request) -> dict:
    """Unread notices beside the Notices link: one indexed count, made only when a page shows
    the navigation (the template calls it), at most once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_notices_unread": functools.cache(lambda: unread_count(user=user))}
