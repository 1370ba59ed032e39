"""A resident blows the whistle (居民吹哨): the public submission, then routing to the
community after commit. Routing state lives on the whistle (routed_at), so when the broker is
down the beat scan routes what was missed."""

from django.db import transaction
from django.utils import timezone

from governance.public import new_tracking_code
from governance.workflow import record
from services.whistles import sla, tasks
from services.whistles.models import Deadline, EventKind, Source, Whistle, WhistlePhoto


def submit_whistle(
    *,
    category,
    description,
    community,
    building=None,
    address="",
    reporter_name,
    reporter_mobile,
    contact_consent,
    photos=(),
    source="",
    reported_at=None,
):
    """Save a resident's whistle with its deadlines; routing is queued after commit.

    `reported_at` is for reports taken earlier by phone (the 12345 hotline) and the demo."""
    if building is not None and building.parent.parent_id != community.pk:
        raise ValueError("the building is not in the community")
    reported_at = reported_at or timezone.now()
    with transaction.atomic():
        whistle = Whistle(
            tracking_code=new_tracking_code(Whistle),
            category=category,
            description=description,
            community=community,
            building=building,
            address=address,
            node=building or community,
            source=source,
            reporter_name=reporter_name,
            reporter_mobile=reporter_mobile,
            contact_consent=contact_consent,
            created_at=reported_at,
            dispatch_due=reported_at + category.dispatch_within,
            resolve_due=reported_at + category.resolve_within,
        )
        whistle.save()
        sla.schedule(whistle, Deadline.DISPATCH, start=reported_at, due=whistle.dispatch_due)
        sla.schedule(whistle, Deadline.RESOLVE, start=reported_at, due=whistle.resolve_due)
        WhistlePhoto.objects.bulk_create(
            [
                WhistlePhoto(whistle=whistle, stage=WhistlePhoto.Stage.REPORT, image=photo)
                for photo in photos
            ]
        )
        kind = EventKind.GRID_REPORTED if source == Source.VISIT else EventKind.SUBMITTED
        record(whistle, kind, public=True)
        whistle_id = whistle.pk

        def queue_routing():
            tasks.route_whistle.delay(whistle_id)

        # robust: if the broker is down the resident still gets their code; the scan routes.
        transaction.on_commit(queue_routing, robust=True)
    return whistle
