"""The people and helpers the micro-wish tests share."""

import pytest

from services.wishes import steps as wishes
from services.wishes.models import WishCategory, WishFor
from tests.factories import UserFactory


@pytest.fixture
def volunteer(world):
    return UserFactory(
        username="vol",
        full_name="陈海燕",
        role="volunteer",
        node=world.tree.community_a,
        is_party_member=True,
    )


@pytest.fixture
def neighbour(world):
    return UserFactory(
        username="nb", full_name="周卫国", role="volunteer", node=world.tree.community_b
    )


def post(world, **overrides):
    data = {
        "wish_for": WishFor.CHILD,
        "category": WishCategory.STUDY,
        "text": "孩子想要一个新书包。",
        "community": world.tree.community_a,
        "building": world.tree.buildings_a[0],
        "poster_name": "张秀英",
        "poster_mobile": "13700001234",
    }
    data.update(overrides)
    return wishes.post_wish(**data)


def on_wall(world, **overrides):
    return wishes.approve_wish(wish=post(world, **overrides), actor=world.cadre_a)
