# PartnerUnit moves from services to governance (the party organisation's side). The rows
# stay: the model joins governance's state on services' table, the table is renamed
# (its contacts table with it), and the content type follows so permissions keep their rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="governance", model="partnerunit").exists():
        ContentType.objects.filter(app_label="services", model="partnerunit").update(
            app_label="governance"
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="governance", model="partnerunit").update(
        app_label="services"
    )


class Migration(migrations.Migration):
    dependencies = [
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
