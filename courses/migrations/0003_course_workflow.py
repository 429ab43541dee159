"""The moderation of course and warning-education pages: a "Reviewers" group and the workflow
"课程审核" with one group-approval task. Trainers may upload documents and images for lessons.

Which pages the workflow covers and the page permissions of both groups are set when the
index pages exist (courses.pages.content_tree_setup), since a migration cannot know them.
"""

from django.db import migrations

WORKFLOW = "课程审核"
TASK = "审核员审批"
MEDIA_PERMISSIONS = [
    ("wagtaildocs", "document", ("add", "change", "choose")),
    ("wagtailimages", "image", ("add", "change", "choose")),
]


def _permission(apps, app_label, model, action):
    # Permissions are normally made after migrating; make the ones needed now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_{model}",
        defaults={"name": f"Can {action} {model}"},
    )
    return permission


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    reviewers.permissions.add(_permission(apps, "wagtailadmin", "admin", "access"))
    trainers, _ = Group.objects.get_or_create(name="Trainers")
    root = Collection.objects.filter(depth=1).first()
    if root is not None:
        for app_label, model, actions in MEDIA_PERMISSIONS:
            for action in actions:
                permission = _permission(apps, app_label, model, action)
                for group in (trainers, reviewers):
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root, permission=permission
                    )

    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        # The historical model does not fill the polymorphic content type itself.
        content_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(name=TASK, content_type=content_type, active=True)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})


def remove(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK).delete()
    apps.get_model("auth", "Group").objects.filter(name="Reviewers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_seed_hours_rules"),
        ("question_banks", "0002_trainers_group"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]
    operations = [migrations.RunPython(create, remove)]
