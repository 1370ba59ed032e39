"""Duplicates: the report form shows open whistles of the same kind in the same building
(已有人反映) so a resident can add their voice (附议) instead of reporting again, and a
cadre merges a duplicate into the whistle that carries on. Supporters are one row per mobile
per whistle (a unique key), so concurrent supports and merges never double or lose one."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance.workflow import TransitionError, record, step
from services.whistles import policies
from services.whistles.models import OPEN_STATUSES, EventKind, Status, Supporter, Whistle


def open_similar(*, category, building, limit=5):
    """Open, unmerged whistles of this category in this building: what the resident is shown
    (category, status and date only)."""
    if building is None:
        return []
    return list(
        Whistle.objects.filter(
            category=category, building=building, status__in=OPEN_STATUSES, merged_into=None
        )
        .select_related("category")
        .order_by("-created_at", "-pk")[:limit]
    )


def support_whistle(*, whistle, mobile):
    """附议. Follows a merge to the whistle that carries on; refuses a closed one. Returns
    (the whistle supported, whether this mobile is new there)."""
    with transaction.atomic():
        target = Whistle.objects.select_for_update().get(pk=whistle.pk)
        while target.merged_into_id:  # A merged into B, B later into C: C carries on
            target = Whistle.objects.select_for_update().get(pk=target.merged_into_id)
        if target.status not in OPEN_STATUSES:
            raise TransitionError(_("This report is no longer open: please send a new one."))
        if mobile == target.reporter_mobile:
            return target, False
        _supporter, created = Supporter.objects.get_or_create(whistle=target, mobile=mobile)
    return target, created


def merge_whistle(*, whistle, actor, into):
    """A cadre merges a duplicate into the whistle that carries on: the duplicate closes with
    an event naming the survivor; its reporter and supporters become the survivor's."""
    if into.pk == whistle.pk:
        raise TransitionError(_("A report cannot be merged into itself."))
    with transaction.atomic():
        # Both rows locked in one order, so two cadres merging A↔B at once cannot deadlock.
        list(
            Whistle.objects.select_for_update().filter(pk__in=[whistle.pk, into.pk]).order_by("pk")
        )
        with step(
            whistle,
            OPEN_STATUSES,
            pgettext("step", "merged"),
            actor=actor,
            check=policies.may_triage,
        ) as w:
            survivor = Whistle.objects.for_step().get(pk=into.pk)
            if not policies.may_triage(actor, survivor):
                raise TransitionError(_("That report is not in your area."))
            if survivor.status not in OPEN_STATUSES or survivor.merged_into_id:
                raise TransitionError(_("That report is no longer open."))
            mobiles = set(w.supporters.values_list("mobile", flat=True)) | {w.reporter_mobile}
            mobiles.discard(survivor.reporter_mobile)
            Supporter.objects.bulk_create(
                [Supporter(whistle=survivor, mobile=m) for m in sorted(mobiles)],
                ignore_conflicts=True,
            )
            w.supporters.all().delete()
            now = timezone.now()
            w.status, w.closed_at, w.merged_into = Status.CLOSED, now, survivor
            w.save(update_fields=["status", "closed_at", "merged_into"])
            # The resident reads that it was merged; the survivor's code is for staff only.
            record(w, EventKind.MERGED, actor=actor, note=survivor.tracking_code, public=True)
            record(survivor, EventKind.MERGED_IN, actor=actor, note=w.tracking_code)
    return w
