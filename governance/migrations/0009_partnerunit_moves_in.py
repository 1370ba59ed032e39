# PartnerUnit moves from services to governance (the party organisation's side). The rows
# stay: the model joins governance's state on services' table, the table is renamed
# (its contacts table with it), and the content type follows so permissions keep their rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, source, target):
    """The content type keeps its id, so its permissions and their grants come along. A
    content type already made for the target (by a post-migrate run) hands its grants over
    and goes."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    moving = ContentType.objects.filter(app_label=source, model="partnerunit").first()
    if moving is None:
        return
    stale = ContentType.objects.filter(app_label=target, model="partnerunit").first()
    if stale is not None:
        for old in Permission.objects.filter(content_type=stale):
            new = Permission.objects.filter(content_type=moving, codename=old.codename).first()
            if new is not None:
                new.group_set.add(*old.group_set.all())
                new.user_set.add(*old.user_set.all())
        stale.delete()
    moving.app_label = target
    moving.save(update_fields=["app_label"])


def move_content_type(apps, schema_editor):
    _move_content_type(apps, "services", "governance")


def restore_content_type(apps, schema_editor):
    _move_content_type(apps, "governance", "services")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0008_personal_data_export"),
        ("services", "0010_overnight_hours_consistent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PartnerUnit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "contacts",
                            models.ManyToManyField(
                                blank=True,
                                related_name="partner_units",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="contact users",
                            ),
                        ),
                        (
                            "node",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="partner_units",
                                to="governance.orgnode",
                                verbose_name="paired with",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "partner unit",
                        "verbose_name_plural": "partner units",
                        "ordering": ["name"],
                        "db_table": "services_partnerunit",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="partnerunit", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
