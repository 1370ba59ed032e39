"""A resident blows the whistle (居民吹哨): the public submission, then routing to the
community after commit. Routing state lives on the whistle (routed_at), so when the broker is
down the beat scan routes what was missed."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.public import random_tracking_code
from governance.workflow import record
from services.whistles import sla, tasks
from services.whistles.models import Deadline, EventKind, Source, Whistle, WhistlePhoto

CODE_ATTEMPTS = 3


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
    for attempt in range(CODE_ATTEMPTS):
        code = random_tracking_code()
        try:
            return _save_whistle(
                code,
                category=category,
                description=description,
                community=community,
                building=building,
                address=address,
                reporter_name=reporter_name,
                reporter_mobile=reporter_mobile,
                contact_consent=contact_consent,
                photos=photos,
                source=source,
                reported_at=reported_at,
            )
        except IntegrityError:
            # The unique index caught a clash of codes (instead of a query before every
            # report): try another; anything else is not ours to retry.
            if (
                attempt + 1 == CODE_ATTEMPTS
                or not Whistle.objects.filter(tracking_code=code).exists()
            ):
                raise


def _save_whistle(code, *, category, building, community, photos, source, reported_at, **fields):
    with transaction.atomic():
        whistle = Whistle(
            tracking_code=code,
            category=category,
            community=community,
            building=building,
            node=building or community,
            source=source,
            created_at=reported_at,
            dispatch_due=reported_at + category.dispatch_within,
            resolve_due=reported_at + category.resolve_within,
            **fields,
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
