from certificates.models import Notification


def notifications(request) -> dict:
    """The unread count beside the Notifications link (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
