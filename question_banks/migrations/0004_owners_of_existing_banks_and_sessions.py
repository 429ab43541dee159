"""Existing banks and sessions get their owner and region.

- A bank goes to the body of the trainer who made it (its `owner`), or to the enterprise its
  maker administers; a bank nobody is recorded to have made goes to the only training body
  when there is exactly one (one county, one centre: what most installations have), and
  otherwise stays the system admin's until they assign it in the admin.
- A session of an enterprise (an internal exam) is held in the enterprise's region. Any
  other goes to the body of its maker or else of its rule's bank, held in its maker's grant
  region or else in the body's region.
"""

from django.db import migrations


def _trainer_grant(RoleGrant, user_id):
    if user_id is None:
        return None
    return (
        RoleGrant.objects.filter(user_id=user_id, role="trainer", training_body__isnull=False)
        .order_by("pk")
        .first()
    )


def assign(apps, schema_editor):
    QuestionBank = apps.get_model("question_banks", "QuestionBank")
    ExamSession = apps.get_model("question_banks", "ExamSession")
    RoleGrant = apps.get_model("roster", "RoleGrant")
    TrainingBody = apps.get_model("roster", "TrainingBody")
    bodies = list(TrainingBody.objects.order_by("pk")[:2])
    only_body = bodies[0] if len(bodies) == 1 else None
    for bank in QuestionBank.objects.filter(training_body__isnull=True, enterprise__isnull=True):
        grant = _trainer_grant(RoleGrant, bank.owner_id)
        if grant is not None:
            bank.training_body_id = grant.training_body_id
        else:
            admin = RoleGrant.objects.filter(
                user_id=bank.owner_id, role="enterprise_admin", enterprise__isnull=False
            ).first()
            if admin is not None:
                bank.enterprise_id = admin.enterprise_id
            elif bank.owner_id is None and only_body is not None:
                bank.training_body_id = only_body.pk
        bank.save(update_fields=["training_body", "enterprise"])
    sessions = ExamSession.objects.filter(region__isnull=True).select_related(
        "enterprise", "rule__bank__training_body"
    )
    for session in sessions:
        if session.enterprise_id is not None:
            session.region_id = session.enterprise.region_id
        else:
            grant = _trainer_grant(RoleGrant, session.created_by_id)
            body = grant.training_body if grant else session.rule.bank.training_body
            if body is not None:
                session.training_body_id = body.pk
                session.region_id = grant.region_id if grant else body.region_id
        session.save(update_fields=["region", "training_body"])


def unassign(apps, schema_editor):
    # The columns themselves go with the previous migration's reverse.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("question_banks", "0003_bank_and_session_owners"),
        ("roster", "0010_trainer_grants_name_a_body"),
    ]
    operations = [migrations.RunPython(assign, unassign)]
