"""What the staff detail page of a whistle shows besides its steps: the reporter as this user
may read them, its supervision orders, transfer, supporters, merged reports, photos by stage,
timeline and call-back. One query each, whatever the length of the timeline."""

from django.utils.translation import pgettext_lazy

from services.whistles import member_calls, origins, policies, supervision, transfers
from services.whistles.forms import CallBackForm
from services.whistles.models import MemberCall, WhistlePhoto
from services.whistles.selectors import supervisions_of

# Staff tell the resident's photos from the handler's result (整改前 / 整改后).
PHOTO_STAGES = (
    (WhistlePhoto.Stage.REPORT, pgettext_lazy("photo stage", "Before: the resident's photos")),
    (WhistlePhoto.Stage.RESOLUTION, pgettext_lazy("photo stage", "After: the handler's photos")),
)


def photos_by_stage(whistle):
    photos = list(whistle.photos.all())
    return [
        (label, shown)
        for stage, label in PHOTO_STAGES
        if (shown := [photo for photo in photos if photo.stage == stage])
    ]


def whistle_detail(user, whistle, now):
    """The page's context for `whistle` (from selectors.opened_whistles), but its steps."""
    reporter = policies.reporter_as_seen(user, whistle)
    callback = getattr(whistle, "callback", None)
    orders = list(supervisions_of(whistle, now))
    supervision.remember_open_supervision(whistle, orders)  # the steps ask for it
    member_call = (
        MemberCall.objects.filter(whistle=whistle).select_related("answered_by__node").first()
    )
    return {
        "whistle": whistle,
        "member_call": member_call,
        "call_answered_by": member_calls.answered_by_as_seen(user, member_call)
        if member_call
        else "",
        "may_call_members": member_call is None and member_calls.may_call(user, whistle),
        "reporter_name": reporter.name,
        "reporter_mobile": reporter.mobile,
        "supervisions": orders,
        "transfer": transfers.pending_transfer(whistle),
        "supporters": whistle.supporters.count(),
        "merged": list(whistle.merged.only("pk", "tracking_code")),
        "origin_links": origins.origin_links(whistle, user) if whistle.by_grid_worker else [],
        "events": whistle.events.select_related("actor"),
        "photo_stages": photos_by_stage(whistle),
        "co_departments": whistle.co_departments.all(),
        "callback": callback,
        "callback_form": (
            CallBackForm() if callback and not callback.done_at and reporter.contact else None
        ),
    }
