from __future__ import annotations

from django.contrib.auth.models import Group

from roster.choices import Role
from roster.groups import TRAINERS_GROUP
from roster.models import User


def role_grant_sync_groups(*, user: User) -> None:
    """Give trainers the admin screens for banks and exams (the group's permissions are data)."""
    group = Group.objects.filter(name=TRAINERS_GROUP).first()
    if group is None:
        return
    if user.role_grants.filter(role=Role.TRAINER).exists():
        user.groups.add(group)
    else:
        user.groups.remove(group)
