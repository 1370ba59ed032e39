# PartnerUnit now lives in governance (see governance 0009): the wish's claim points there,
# and services forgets the model. Nothing changes in the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0009_partnerunit_moves_in"),
        ("services", "0010_overnight_hours_consistent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="wish",
                    name="claimer_unit",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="wishes",
                        to="governance.partnerunit",
                        verbose_name="on behalf of",
                    ),
                ),
                migrations.DeleteModel(name="PartnerUnit"),
            ],
            database_operations=[],
        ),
    ]
