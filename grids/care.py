"""The care ledger (困难群众台账) and visits (走访): opening a record, recording a visit — which
can raise a whistle in the same step — and the beat scan that reminds helpers of visits due
and tells the community of overdue ones, each once per due time."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import people
from governance.notifications import notify
from governance.scope import in_scope
from grids.models import CareRecord, Visit

REMIND_AHEAD = timedelta(days=1)


def open_care_record(*, resident, needs, plan, helper, visit_every_days, actor):
    record = CareRecord(
        resident=resident,
        needs=needs,
        plan=plan,
        helper=helper,
        visit_every_days=visit_every_days,
    )
    save_care_record(record, actor=actor)
    return record


def save_care_record(record, *, actor, interval_changed=True):
    """Open or edit a record; a new visit interval counts from the last visit (or now)."""
    if not in_scope(actor, record.resident.household.building):
        raise PermissionDenied(_("This resident is not in your area."))
    if record.pk is None or interval_changed:
        start = record.last_visit_at or timezone.now()
        record.next_visit_due = start + timedelta(days=record.visit_every_days)
    record.save()


def record_visit(
    *, household, worker, seen, needs="", photo=None, problem_category=None, problem=""
):
    """Record a visit; the household's care records start their next interval; a problem
    found becomes a whistle from this household, pre-filled, in the same transaction."""
    if not in_scope(worker, household.building):
        raise PermissionDenied(_("This household is not in your area."))
    with transaction.atomic():
        visit = Visit.objects.create(
            household=household, worker=worker, seen=seen, needs=needs, photo=photo or ""
        )
        for record in CareRecord.objects.filter(resident__household=household, active=True):
            record.last_visit_at = visit.at
            record.next_visit_due = visit.at + timedelta(days=record.visit_every_days)
            record.save(update_fields=["last_visit_at", "next_visit_due"])
        if problem_category is not None and problem.strip():
            from services.whistles.intake import submit_whistle

            building = household.building
            visit.whistle = submit_whistle(
                category=problem_category,
                description=problem,
                community=building.parent.parent,
                building=building,
                address=f"{household.unit}-{household.room}",
                reporter_name=worker.full_name or worker.username,
                reporter_mobile=worker.mobile or "13000000000",
                contact_consent=True,
                source="visit",
            )
            visit.save(update_fields=["whistle"])
    return visit


def scan(now=None):
    now = now or timezone.now()
    return {"reminded": _remind_due(now), "flagged": _flag_overdue(now)}


def _each_once(queryset, stamp_field, act):
    """For each record, stamp the due time it was acted on and act, in one transaction."""
    done = 0
    for pk in queryset.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            record = (
                CareRecord.objects.select_for_update(of=("self",))
                .select_related("resident__household__building__parent__parent", "helper")
                .get(pk=pk)
            )
            if getattr(record, stamp_field) == record.next_visit_due:
                continue  # a concurrent scan did it
            setattr(record, stamp_field, record.next_visit_due)
            record.save(update_fields=[stamp_field])
            act(record)
            done += 1
    return done


def _due(record):
    return timezone.localtime(record.next_visit_due).strftime("%Y-%m-%d")


def _remind_due(now):
    def remind(record):
        notify(
            [record.helper],
            title=_("Visit %(name)s by %(due)s")
            % {"name": record.resident.name, "due": _due(record)},
            body=record.plan[:200],
            url=household_url(record.resident.household),
        )

    due = CareRecord.objects.filter(
        active=True, next_visit_due__lte=now + REMIND_AHEAD, next_visit_due__gt=now
    ).exclude(reminded_for=F("next_visit_due"))
    return _each_once(due, "reminded_for", remind)


def _flag_overdue(now):
    def flag(record):
        community = record.resident.household.building.parent.parent
        notify(
            people.cadres_of(community),
            title=_("Care visit overdue: %(name)s (due %(due)s)")
            % {"name": record.resident.name, "due": _due(record)},
            url=household_url(record.resident.household),
        )

    overdue = CareRecord.objects.filter(active=True, next_visit_due__lte=now).exclude(
        flagged_for=F("next_visit_due")
    )
    return _each_once(overdue, "flagged_for", flag)


def household_url(household):
    return reverse("grids-household", args=[household.pk])
