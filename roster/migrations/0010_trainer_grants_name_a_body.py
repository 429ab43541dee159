"""Every trainer's grant names a training body: the body that now owns banks and sessions.

Grants made before bodies existed get one body per region they were granted (the trainers of
one county shared every bank before, and keep sharing them), named after the region and with
no credit code yet: the system admin renames it and fills in the code in the admin
(组织机构 › 培训机构), or moves the grants to the right bodies.
"""

from django.db import migrations


def name_bodies(apps, schema_editor):
    RoleGrant = apps.get_model("roster", "RoleGrant")
    TrainingBody = apps.get_model("roster", "TrainingBody")
    bodies = {}
    grants = RoleGrant.objects.filter(role="trainer", training_body__isnull=True).select_related(
        "region"
    )
    for grant in grants.order_by("pk"):
        if grant.region_id not in bodies:
            bodies[grant.region_id] = TrainingBody.objects.create(
                name=f"{grant.region.name}培训机构", region_id=grant.region_id
            )
        grant.training_body = bodies[grant.region_id]
        grant.save(update_fields=["training_body"])


def unname_bodies(apps, schema_editor):
    # The bodies stay (banks may name them by now); the grants go back to naming none.
    apps.get_model("roster", "RoleGrant").objects.filter(role="trainer").update(training_body=None)


class Migration(migrations.Migration):
    dependencies = [("roster", "0009_training_body")]
    operations = [migrations.RunPython(name_bodies, unname_bodies)]
