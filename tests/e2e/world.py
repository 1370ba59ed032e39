"""The part of the demo street a walk-through needs, built with the factories: the README's
places (红星街道, 红旗社区, its first grid and buildings) and its demo logins, by username and
role, so each test reads like the README. Small on purpose: the tests never depend on the
demo's volumes."""

from dataclasses import dataclass, field

from governance.models import OrgNode, Role, User
from tests.factories import NodeFactory, UserFactory, cadre


@dataclass
class Street:
    street: OrgNode
    community: OrgNode  # 红旗社区 (HX-01)
    other_community: OrgNode  # 幸福社区 (HX-02), outside community_cadre's area
    grid: OrgNode  # 红旗社区第1网格 (HX-01-01)
    buildings: list = field(default_factory=list)
    users: dict = field(default_factory=dict)

    def __getitem__(self, username) -> User:
        return self.users[username]


def red_star_street():
    street = NodeFactory(name="红星街道党工委", place_name="红星街道", code="HX")
    community = NodeFactory(parent=street, name="红旗社区党委", place_name="红旗社区", code="HX-01")
    other = NodeFactory(parent=street, name="幸福社区党委", place_name="幸福社区", code="HX-02")
    grid = NodeFactory(
        parent=community,
        name="红旗社区第1网格党支部",
        place_name="红旗社区第1网格",
        code="HX-01-01",
    )
    buildings = [
        NodeFactory(
            parent=grid,
            name=f"锦绣苑{i}号楼党小组",
            place_name=f"锦绣苑{i}号楼",
            code=f"HX-01-01-0{i}",
        )
        for i in (1, 2, 3)
    ]
    other_grid = NodeFactory(parent=other, name="幸福社区第1网格党支部", code="HX-02-01")
    NodeFactory(
        parent=other_grid,
        name="阳光花园1号楼党小组",
        place_name="阳光花园1号楼",
        code="HX-02-01-01",
    )
    for node in (street, community, other, grid):
        node.refresh_from_db()
    users = {
        "street_cadre": cadre(street, "street_cadre"),
        "community_cadre": cadre(community, "community_cadre"),
        "grid_worker": cadre(grid, "grid_worker"),
        "dept_handler": UserFactory(
            username="dept_handler", role=Role.DEPARTMENT_HANDLER, node=street
        ),
        "volunteer": UserFactory(
            username="volunteer", role=Role.VOLUNTEER, node=community, full_name="陈海燕"
        ),
        "partner": UserFactory(username="partner", role=Role.VOLUNTEER, node=community),
    }
    users["community_cadre"].full_name = "王红"
    users["community_cadre"].save(update_fields=["full_name"])
    return Street(street, community, other, grid, buildings, users)
