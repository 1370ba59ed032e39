"""Gifts are collected at a station: each gift gets a pickup station (existing gifts the
first station in service in their own area, else one of their street's), and each
redemption a pickup code and the confirm page's one-time token."""

import secrets

import django.db.models.deletion
from django.db import migrations, models

import volunteers.models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def give_codes(apps, schema_editor):
    Redemption = apps.get_model("volunteers", "Redemption")
    used = set()
    for redemption in Redemption.objects.filter(pickup_code__isnull=True).only("pk"):
        code = None
        while code is None or code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        Redemption.objects.filter(pk=redemption.pk).update(pickup_code=code)


def give_stations(apps, schema_editor):
    Reward = apps.get_model("volunteers", "Reward")
    Station = apps.get_model("services", "Station")
    for reward in Reward.objects.filter(pickup_station__isnull=True).select_related("node"):
        node = reward.node
        in_street = Station.objects.filter(active=True, node__tree_id=node.tree_id)
        station = (
            in_street.filter(node__lft__gte=node.lft, node__lft__lte=node.rght)
            .order_by("node__lft", "pk")
            .first()
        ) or in_street.order_by("node__lft", "pk").first()
        if station is not None:
            Reward.objects.filter(pk=reward.pk).update(pickup_station=station)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0006_hours_reversal_record"),
        ("services", "0006_stations"),
    ]

    operations = [
        migrations.AddField(
            model_name="reward",
            name="pickup_station",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="services.station",
                verbose_name="pickup station",
            ),
        ),
        migrations.AddField(
            model_name="redemption",
            name="pickup_code",
            field=models.CharField(max_length=8, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="redemption",
            name="request_key",
            field=models.CharField(editable=False, max_length=40, null=True, unique=True),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="redemption",
            name="pickup_code",
            field=models.CharField(
                default=volunteers.models.new_pickup_code,
                editable=False,
                max_length=8,
                unique=True,
                verbose_name="pickup code",
            ),
        ),
        # Last: updating a foreign key leaves deferred checks that block a later ALTER TABLE.
        migrations.RunPython(give_stations, migrations.RunPython.noop),
    ]
