"""Keeps the cached signed-in user (roster.auth) in step with the database, and writes
every sign-in and sign-out to the audit log (failed ones: roster.throttle)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from .auth import forget_user
from .models import Person, User
from .services.audit import audit_record


@receiver(post_save, sender=User, dispatch_uid="roster-user-saved")
@receiver(post_delete, sender=User, dispatch_uid="roster-user-deleted")
def user_changed(sender, instance: User, **kwargs) -> None:
    forget_user(instance.pk)


@receiver(pre_delete, sender=Person, dispatch_uid="roster-person-deleted")
def person_deleted(sender, instance: Person, **kwargs) -> None:
    # Deleting a person unlinks their account with an UPDATE, which sends no post_save.
    for user_id in User.objects.filter(person=instance).values_list("pk", flat=True):
        forget_user(user_id)


@receiver(user_logged_in, dispatch_uid="roster-audit-sign-in")
def signed_in(sender, request, user: User, **kwargs) -> None:
    audit_record(actor=user, action="login", target=user, request=request)


@receiver(user_logged_out, dispatch_uid="roster-audit-sign-out")
def signed_out(sender, request, user: User | None, **kwargs) -> None:
    if user is not None:  # None: the session had already ended
        audit_record(actor=user, action="logout", target=user, request=request)
