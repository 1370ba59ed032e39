"""A resident blows the whistle (居民吹哨): the public submission, then routing to the
community after commit. Routing state lives on the whistle (routed_at), so when the broker is
down the beat scan routes what was missed."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import people
from governance.notifications import notify
from services import sla
from services.models import Deadline, Department, EventKind, Whistle, WhistlePhoto
from services.public import new_tracking_code
from services.workflow import record, staff_url

logger = logging.getLogger(__name__)


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
        record(whistle, EventKind.SUBMITTED, public=True)
        whistle_id = whistle.pk

        def queue_routing():
            from services.tasks import route_whistle

            route_whistle.delay(whistle_id)

        # robust: if the broker is down the resident still gets their code; the scan routes.
        transaction.on_commit(queue_routing, robust=True)
    return whistle


def route_whistle(whistle_id):
    """Suggest the street's department for the category and tell the community. Once."""
    with transaction.atomic():
        whistle = (
            Whistle.objects.select_for_update(of=("self",))
            .select_related("community", "category")
            .filter(pk=whistle_id, routed_at__isnull=True)
            .first()
        )
        if whistle is None:
            return False
        whistle.suggested_department = (
            Department.objects.filter(
                street_id=whistle.community.parent_id, categories=whistle.category
            )
            .order_by("pk")
            .first()
        )
        whistle.routed_at = timezone.now()
        whistle.save(update_fields=["suggested_department", "routed_at"])
        record(whistle, EventKind.ROUTED, note=whistle.community.place, note_public=True)
        notify(
            people.cadres_of(whistle.community),
            title=_("New whistle %(code)s: %(category)s")
            % {"code": whistle.tracking_code, "category": whistle.category.name},
            body=whistle.description[:200],
            url=staff_url(whistle),
        )
    return True


def route_pending(older_than=timedelta(minutes=1)):
    """Beat: route whistles whose after-commit routing never ran (a broker outage)."""
    cutoff = timezone.now() - older_than
    pending = Whistle.objects.filter(routed_at__isnull=True, created_at__lte=cutoff)
    return sum(route_whistle(pk) for pk in pending.values_list("pk", flat=True)[:500])
