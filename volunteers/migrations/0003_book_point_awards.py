"""Book every micro-wish award recorded before the ledger existed as an earned entry, with
the award's own idempotency key, so a replayed award after this stays a no-op."""

from django.db import migrations


def book_awards(apps, schema_editor):
    PointAward = apps.get_model("volunteers", "PointAward")
    Profile = apps.get_model("volunteers", "VolunteerProfile")
    Entry = apps.get_model("volunteers", "LedgerEntry")
    for award in PointAward.objects.filter(posted_at__isnull=True).order_by("created_at", "pk"):
        profile, _ = Profile.objects.get_or_create(user_id=award.user_id)
        if Entry.objects.filter(key=award.key).exists():
            continue
        profile.points_balance += award.points
        profile.save(update_fields=["points_balance"])
        Entry.objects.create(
            volunteer=profile,
            kind="wish",
            points=award.points,
            balance_after=profile.points_balance,
            reason=award.reason,
            key=award.key,
            at=award.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_ledger_and_service")]

    operations = [migrations.RunPython(book_awards, migrations.RunPython.noop)]
