from .selectors import user_scope


def roles(request):
    """Lets the navigation show only what the signed-in user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": frozenset(), "nav_is_staff_scope": False}
    scope = user_scope(user)
    return {
        "nav_roles": scope.roles | ({"system_admin"} if scope.everything else set()),
        "nav_is_staff_scope": scope.is_staff_scope,
    }
