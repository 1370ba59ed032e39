"""The managed lists a new deployment starts with; cadres extend them in the admin."""

from django.db import migrations

KINDS = ["党群服务站", "红蜂驿站", "佳家驿站", "养老服务站", "社区食堂", "红色驿站"]
AMENITIES = ["打气筒", "雨伞雨衣", "维修工具", "急救箱", "饮用水", "微波炉", "手机充电", "休息座椅",
             "卫生间", "血压计"]
SERVICES = ["血压测量", "血糖检测", "骑手歇脚", "饮水", "手机充电", "借用雨具", "助餐", "理发",
            "政策咨询", "其他"]


def add_lists(apps, schema_editor):
    for model, names in (("StationKind", KINDS), ("Amenity", AMENITIES),
                         ("ServiceKind", SERVICES)):
        Model = apps.get_model("services", model)
        for order, name in enumerate(names):
            Model.objects.get_or_create(name=name, defaults={"ordering": order})


class Migration(migrations.Migration):
    dependencies = [("services", "0006_stations")]
    operations = [migrations.RunPython(add_lists, migrations.RunPython.noop)]
