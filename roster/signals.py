"""Keeps the cached signed-in user (roster.auth) in step with the database."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from .auth import forget_user
from .models import Person, User


@receiver(post_save, sender=User, dispatch_uid="roster-user-saved")
@receiver(post_delete, sender=User, dispatch_uid="roster-user-deleted")
def user_changed(sender, instance: User, **kwargs) -> None:
    forget_user(instance.pk)


@receiver(pre_delete, sender=Person, dispatch_uid="roster-person-deleted")
def person_deleted(sender, instance: Person, **kwargs) -> None:
    # Deleting a person unlinks their account with an UPDATE, which sends no post_save.
    for user_id in User.objects.filter(person=instance).values_list("pk", flat=True):
        forget_user(user_id)
