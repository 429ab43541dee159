from django import template

from notices.selectors import receipts_of

register = template.Library()


@register.inclusion_tag("notices/portal_unread.html", takes_context=True)
def unread_notices(context, limit: int = 5):
    """The portal's card of unread notices (nothing when there are none)."""
    user = context["request"].user
    rows = list(receipts_of(user=user).filter(read_at__isnull=True)[: limit * 2])
    seen, unread = set(), []
    for receipt in rows:
        if receipt.notice_id not in seen:
            seen.add(receipt.notice_id)
            unread.append(receipt)
    return {"unread_notices": unread[:limit]}
