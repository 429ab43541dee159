import functools

from .selectors import transfer_pending_count, user_scope


def roles(request):
    """Lets the navigation show only what the signed-in user may open. The scope is read
    only when a page shows the navigation (the exam page does not): the template calls
    these."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": frozenset(), "nav_is_staff_scope": False}
    scope = functools.cache(lambda: user_scope(user))
    return {
        "nav_roles": lambda: scope().roles | ({"system_admin"} if scope().everything else set()),
        "nav_is_staff_scope": lambda: scope().is_staff_scope,
        # Transfer requests waiting for this user's decision: one indexed count, made only
        # where the navigation shows the link (for admins and regulators).
        "nav_transfers": functools.cache(lambda: transfer_pending_count(user=user)),
    }
