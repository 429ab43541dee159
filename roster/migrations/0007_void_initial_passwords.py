"""Accounts made by a first sign-in with the old initial password (the last six characters
of the ID number) whose holder never chose their own still have that guessable password:
make it unusable. The holder signs in again with an activation code from their enterprise
admin (roster.services.activation) and then chooses a password."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def void(apps, schema_editor):
    User = apps.get_model("roster", "User")
    for user in User.objects.filter(must_change_password=True, person__isnull=False).only("pk"):
        User.objects.filter(pk=user.pk).update(password=make_password(None))


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0006_activation_code"),
    ]

    # The old passwords cannot be brought back: the reverse leaves the accounts as they are.
    operations = [migrations.RunPython(void, migrations.RunPython.noop)]
