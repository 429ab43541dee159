import functools

from certificates.models import Notification


def notifications(request) -> dict:
    """The unread count beside the Notifications link: one indexed count, made only when a
    page shows the link (the exam page, opened by a thousand examinees at 9:00, does not)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def unread() -> int:  # the template calls it
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"nav_unread": unread}
