"""The categories a new deployment starts with, from the problems named in the seeds, with
the 12345 time limits of their urgency class. Cadres edit them in the admin."""

from datetime import timedelta

from django.db import migrations

H, D = timedelta(hours=1), timedelta(days=1)
CATEGORIES = [
    # name, urgency, dispatch within, resolve within
    ("消防通道堵塞", "danger", 1 * H, 2 * H),
    ("井盖破损或缺失", "danger", 1 * H, 2 * H),
    ("燃气泄漏等安全隐患", "danger", 1 * H, 2 * H),
    ("停水或供水问题", "utilities", 2 * H, 24 * H),
    ("停电或供电问题", "utilities", 2 * H, 24 * H),
    ("供暖问题", "utilities", 2 * H, 24 * H),
    ("燃气供应问题", "utilities", 2 * H, 24 * H),
    ("垃圾清运", "general", 24 * H, 7 * D),
    ("宠物扰民、散养", "general", 24 * H, 7 * D),
    ("乱停车、占道", "general", 24 * H, 7 * D),
    ("电动车充电桩", "general", 24 * H, 7 * D),
    ("设施阻碍通行", "general", 24 * H, 7 * D),
    ("老旧小区改造与维修", "complex", 24 * H, 15 * D),
    ("其他", "general", 24 * H, 7 * D),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("services", "Category")
    for order, (name, urgency, dispatch, resolve) in enumerate(CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={
            "urgency": urgency, "dispatch_within": dispatch, "resolve_within": resolve,
            "ordering": order})


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
