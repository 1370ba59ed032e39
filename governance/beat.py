"""What beat scans share: act on each row once, stamping it in the same transaction."""

from django.db import transaction


def act_once(queryset, field, now, act, related=()):
    """Run `act(row)` for each row whose `field` is still empty, setting it to `now` in the
    same transaction: a row is acted on once even when two scans overlap, and a failure
    leaves only that row for next time."""
    model = queryset.model
    done = 0
    for pk in queryset.filter(**{f"{field}__isnull": True}).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            if model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}):
                act(model.objects.select_related(*related).get(pk=pk))
                done += 1
    return done
