"""Items published before library items had industries: each regulator's item gets the
industries its publisher regulated over its region (notices.services._scope_industries), so
an item of a regulator limited to 危险化学品 stops reaching the region's other industries."""

from django.db import migrations


def _scope_industries(RoleGrant, user_id, region_path):
    found = set()
    grants = RoleGrant.objects.filter(user_id=user_id, role="regulator", region__isnull=False)
    for grant in grants.select_related("region").prefetch_related("industries"):
        if region_path.startswith(grant.region.path):
            industries = {i.pk for i in grant.industries.all()}
            if not industries:
                return set()  # one grant of every industry there: every industry
            found |= industries
    return found


def forwards(apps, schema_editor):
    KnowledgeItem = apps.get_model("notices", "KnowledgeItem")
    RoleGrant = apps.get_model("roster", "RoleGrant")
    items = KnowledgeItem.objects.filter(region__isnull=False).select_related(
        "region", "published_by"
    )
    for item in items:
        if item.published_by.is_superuser:
            continue
        industries = _scope_industries(RoleGrant, item.published_by_id, item.region.path)
        if industries:
            item.industries.set(sorted(industries))


class Migration(migrations.Migration):
    dependencies = [("notices", "0004_knowledge_item_industries")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
