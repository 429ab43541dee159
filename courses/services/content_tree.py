"""Set-up of the content tree: the moderation workflow "课程审核" and the page permissions of
the 培训教师 (trainers) and 课程审核员 (reviewers) groups on the two index pages (trainers get
"add" only, which in Wagtail lets them edit just the pages they created; reviewers publish)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from courses.models import CourseIndexPage, WarningCaseIndexPage
from roster.groups import REVIEWERS_GROUP, TRAINERS_GROUP

WORKFLOW_NAME = "课程审核"
TASK_NAME = "审核员审批"
# "add" lets a trainer create pages and edit only the ones they own; "change" would let them
# edit everybody's. Reviewers may edit and publish anything in the tree.
GROUP_PAGE_ACTIONS = {
    TRAINERS_GROUP: ("add",),
    REVIEWERS_GROUP: ("add", "change", "publish"),
}


def review_workflow() -> Workflow:
    """The workflow "课程审核" (made by migration 0003; rebuilt here if someone deleted it)."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        return workflow
    reviewers, __ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(reviewers)
    workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


@transaction.atomic
def content_tree_setup(*, index_page: Page) -> None:
    """Put a course or warning-case index under review and give the groups their rights.

    Idempotent: run by seed_demo and whenever an index page is created in the admin.
    """
    if not isinstance(index_page.specific, CourseIndexPage | WarningCaseIndexPage):
        raise ValueError("Only the course and warning-case index pages take this set-up.")
    workflow = review_workflow()
    if index_page.get_workflow() != workflow:
        # WorkflowPage is keyed by page: one workflow per page.
        WorkflowPage.objects.update_or_create(page=index_page, defaults={"workflow": workflow})
    for group_name, actions in GROUP_PAGE_ACTIONS.items():
        group, __ = Group.objects.get_or_create(name=group_name)
        for action in actions:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{action}_page"
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=index_page, permission=permission
            )
