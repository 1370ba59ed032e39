"""My work (/m/) costs the same queries whatever the number of whistles, for every role that
has whistles on it."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from services.whistles import dispatch

pytestmark = pytest.mark.django_db

# The queries of one /m/ request by role (session, user, permissions, the sections).
MAX_QUERIES = {"worker_a": 10, "cadre_a": 10, "street_cadre": 10, "handler": 6}


def open_whistles(world, n):
    """n whistles in grid A's buildings, a day apart (the older ones overdue): every other one
    waiting, the rest dispatched to the city and signed."""
    for i in range(n):
        with time_machine.travel(timezone.now() - timedelta(days=i), tick=False):
            w = world.submit(building=world.tree.buildings_a[i % 2])
            if i % 2:
                w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
                w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
                dispatch.sign_whistle(whistle=w, actor=world.handler)


@pytest.mark.parametrize("role", sorted(MAX_QUERIES))
def test_my_work_costs_the_same_queries_for_many_whistles(client_for, world, role):
    counts, shown = [], []
    for n in (2, 8):
        open_whistles(world, n)
        client = client_for(getattr(world, role))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("mobile-home"))
        assert page.status_code == 200
        listed = [work["whistles"] for _, work in page.context["sections"] if "whistles" in work]
        shown.append(len(listed[0]))
        counts.append(len(queries))
    assert shown[1] > shown[0] > 0  # the list grew: the count below is of a longer page
    assert counts[0] == counts[1] <= MAX_QUERIES[role]
