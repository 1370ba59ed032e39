"""Routing a new whistle: the street's department for its category is suggested and the
community's cadres are told. Runs once per whistle, from its task or the beat catch-up."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import people
from governance.notifications import notify
from governance.workflow import record
from services.whistles.links import staff_url
from services.whistles.models import Department, EventKind, Whistle


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
