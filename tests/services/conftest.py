from dataclasses import dataclass
from datetime import timedelta

import pytest

from governance.models import Role
from services.whistles import intake
from services.whistles.models import Category, Department, Urgency
from tests.factories import UserFactory, cadre


@dataclass
class World:
    """The small tree with the people a whistle meets: 红旗 (A) and 幸福 (B) communities."""

    tree: object
    street_cadre: object
    cadre_a: object
    cadre_b: object
    worker_a: object
    worker_b: object
    handler: object  # handles for 城管 (city management)
    other_handler: object  # handles for 房管所 (housing), not dispatched to
    city: Department
    housing: Department
    general: Category
    danger: Category

    def submit(self, **overrides):
        data = {
            "category": self.general,
            "description": "楼道里堆满杂物，影响通行。",
            "community": self.tree.community_a,
            "building": self.tree.buildings_a[0],
            "reporter_name": "张建国",
            "reporter_mobile": "13912345678",
            "contact_consent": True,
        }
        data.update(overrides)
        return intake.submit_whistle(**data)


@pytest.fixture
def world(small_tree):
    # get_or_create: transactional tests flush the categories the migration adds.
    general, _ = Category.objects.get_or_create(
        name="乱停车、占道",
        defaults={
            "urgency": Urgency.GENERAL,
            "dispatch_within": timedelta(hours=24),
            "resolve_within": timedelta(days=7),
        },
    )
    danger, _ = Category.objects.get_or_create(
        name="井盖破损或缺失",
        defaults={
            "urgency": Urgency.DANGER,
            "dispatch_within": timedelta(hours=1),
            "resolve_within": timedelta(hours=2),
        },
    )
    city = Department.objects.create(street=small_tree.street, name="城市管理执法队")
    city.categories.add(general)
    housing = Department.objects.create(street=small_tree.street, name="房屋管理所")
    handler = UserFactory(username="handler", role=Role.DEPARTMENT_HANDLER, full_name="赵办理")
    other_handler = UserFactory(username="other_handler", role=Role.DEPARTMENT_HANDLER)
    city.handlers.add(handler)
    housing.handlers.add(other_handler)
    return World(
        tree=small_tree,
        street_cadre=cadre(small_tree.street, "street_cadre"),
        cadre_a=cadre(small_tree.community_a, "cadre_a"),
        cadre_b=cadre(small_tree.community_b, "cadre_b"),
        worker_a=cadre(small_tree.grid_a, "worker_a"),
        worker_b=cadre(small_tree.grid_b, "worker_b"),
        handler=handler,
        other_handler=other_handler,
        city=city,
        housing=housing,
        general=general,
        danger=danger,
    )
