from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from roster.selectors import user_scope


def staff_scope_required(view):
    """Roster pages are for staff roles; a trainee gets a clear 403, not an empty list."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_scope(request.user).is_staff_scope:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
