"""The resident tags a new deployment starts with; cadres extend them in the admin."""

from django.db import migrations

TAGS = [("独居老人", True), ("高龄老人", True), ("残疾人", True), ("留守儿童", True),
        ("低保户", True), ("党员", False), ("退役军人", False)]


def add_tags(apps, schema_editor):
    ResidentTag = apps.get_model("grids", "ResidentTag")
    for name, vulnerable in TAGS:
        ResidentTag.objects.get_or_create(name=name, defaults={"vulnerable": vulnerable})


class Migration(migrations.Migration):
    dependencies = [("grids", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
