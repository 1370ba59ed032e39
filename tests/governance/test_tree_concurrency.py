"""Eight processes write one street's tree at once, each on its own PostgreSQL connection."""

import multiprocessing
import random

import pytest
from django.db import connections

from governance import tree
from governance.models import NodeKind, OrgNode
from tests.factories import NodeFactory

WORKERS = 8
STEPS = 15


def _write_concurrently(seed):
    connections.close_all()  # a fresh connection per process
    rng = random.Random(seed)
    # Deliberately stale instances: other processes renumber the tree under them.
    grids = list(OrgNode.objects.filter(kind=NodeKind.GRID))
    # Moves pick seeded buildings; deletes take only this process's own inserts.
    seeded_buildings = OrgNode.objects.filter(kind=NodeKind.BUILDING, code__startswith="HX-")
    inserted, deleted, mine = 0, 0, []
    for step in range(STEPS):
        action = rng.choice(["insert", "insert", "move", "move", "reparent", "delete"])
        if action == "insert":
            mine.append(NodeFactory(parent=rng.choice(grids), code=f"P{seed}-{step}"))
            inserted += 1
        elif action == "move":
            building = seeded_buildings.order_by("?").first()
            OrgNode.tree.move_node(building, rng.choice(grids), "last-child")
        elif action == "reparent":
            building = seeded_buildings.order_by("?").first()
            building.parent = rng.choice(grids)
            building.save()
        elif mine:
            mine.pop(rng.randrange(len(mine))).delete()
            deleted += 1
    connections.close_all()
    return inserted - deleted


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_processes_inserting_and_moving_leave_check_tree_clean(requires_postgres):
    street = NodeFactory(code="HX")
    for c in range(2):
        community = NodeFactory(parent=street, code=f"HX-{c}")
        for g in range(3):
            grid = NodeFactory(parent=community, code=f"HX-{c}-{g}")
            for b in range(3):
                NodeFactory(parent=grid, code=f"HX-{c}-{g}-{b}")
    before = OrgNode.objects.count()
    connections.close_all()

    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        net_inserted = sum(pool.map(_write_concurrently, range(WORKERS)))

    assert tree.find_problems() == []
    assert OrgNode.objects.count() == before + net_inserted
    street.refresh_from_db()
    assert street.get_descendant_count() == OrgNode.objects.count() - 1
