"""Composite pages are assembled from what apps register: a new app's headcount, figure,
column and section reach the command center, its export and chart, and a new app's section
reaches my work, without touching either page's code."""

import io

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from governance.composite import command_center as cc
from governance.composite import my_work
from governance.models import NodeKind, OrgNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def registries():
    """Registrations made by a test are undone after it."""
    every = [cc.headcounts, cc.period_figures, cc.child_columns, cc.sections, my_work.sections]
    saved = [list(registry._items) for registry in every]
    yield
    for registry, items in zip(every, saved, strict=True):
        registry._items[:] = items


def register_benches():
    """A new app, say one that looks after the street furniture, adds its figures."""
    cc.headcounts.register(cc.Headcount("benches", "Benches", lambda node: 7, order=75))
    cc.period_figures.register(
        cc.PeriodFigures(
            compute=lambda node, period: {"benches_mended": 3},
            shown=(cc.Figure("Benches mended", lambda figures: figures["benches_mended"]),),
            order=40,
        )
    )
    cc.child_columns.register(
        cc.ChildColumns(
            columns=(cc.Column("benches_here", "Benches here", chart="bar"),),
            # Say a bench stands at every building: counted over tree nodes themselves.
            rows=lambda period: OrgNode.objects.filter(kind=NodeKind.BUILDING),
            node_path="",
            aggregates=lambda period: {"benches_here": Count("pk")},
            direct=lambda node, period: {"benches_here": 1},
            order=50,
        )
    )


def test_a_new_apps_figures_reach_the_page_the_export_and_the_chart(client_for, world, registries):
    register_benches()
    client = client_for(world.street_cadre)
    page = client.get(reverse("command-center"), {"sort": "-benches_here"})
    assert page.status_code == 200
    data = page.context["data"]
    assert data["headcounts"]["benches"] == 7 and data["benches_mended"] == 3
    assert [row["benches_here"] for row in page.context["table"]] == [2, 2]
    assert page.context["direct"]["benches_here"] == 1
    assert page.context["sort_links"]["benches_here"] == ("benches_here", "↓")
    content = page.content.decode()
    assert "Benches mended" in content and "Benches here" in content
    # After the registered apps' own figures, in the order the registrations name.
    assert content.index(_("Service stations")) < content.index("Benches<")
    assert content.index(_("Active volunteers")) < content.index("Benches mended")
    series = {s["name"]: s["data"] for s in page.context["charts"]["children"]["series"]}
    assert series["Benches here"] == [2, 2]

    export = client.get(reverse("command-center-export", args=[world.tree.street.pk]))
    book = load_workbook(io.BytesIO(export.content))
    figures = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert (figures["Benches"], figures["Benches mended"]) == (7, 3)
    header, *children = book.worksheets[1].iter_rows(min_row=2, values_only=True)  # under the title
    assert header[-1] == "Benches here" and [row[-1] for row in children] == [2, 2]


def test_an_export_only_column_stays_off_the_page(client_for, world, registries):
    cc.child_columns.register(
        cc.ChildColumns(
            columns=(cc.Column("benches_here", "Benches here", on_page=False),),
            rows=lambda period: OrgNode.objects.filter(kind=NodeKind.BUILDING),
            node_path="",
            aggregates=lambda period: {"benches_here": Count("pk")},
            order=50,
        )
    )
    client = client_for(world.street_cadre)
    page = client.get(reverse("command-center"))
    assert "Benches here" not in page.content.decode()
    export = client.get(reverse("command-center-export", args=[world.tree.street.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[1]
    header = next(sheet.iter_rows(min_row=2, values_only=True))  # under the title row
    assert header[-1] == "Benches here"


def test_my_work_shows_the_sections_with_something_to_do_in_order(world, registries):
    my_work.sections.register(my_work.WorkSection("first.html", lambda u, now: {}, order=1))
    my_work.sections.register(my_work.WorkSection("never.html", lambda u, now: None, order=2))
    shown = [template for template, _work in my_work.sections_for(world.worker_a, timezone.now())]
    assert shown[0] == "first.html" and "never.html" not in shown
    # The apps' own sections follow: whistles before call-backs.
    assert shown.index("services/_work_whistles.html") < shown.index(
        "services/_work_callbacks.html"
    )


def test_my_work_leaves_out_what_the_user_may_not_do(client_for, world):
    worker = client_for(world.worker_a).get(reverse("mobile-home"))
    handler = client_for(world.handler).get(reverse("mobile-home"))
    templates = {t.name for t in worker.templates}
    assert "grids/_work_household_search.html" in templates
    assert "grids/_work_household_search.html" not in {t.name for t in handler.templates}
    assert "services/_work_wishes.html" not in templates  # nothing waits for review
