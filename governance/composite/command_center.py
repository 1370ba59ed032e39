"""The command center (指挥中心): figures for any node of the tree and its children, from a
fixed number of aggregate queries over tree ranges, whatever the number of rows.

Every figure, column and section comes from an app's `contributions.py`: a headcount of what
the app registers, figures of a period, columns of the child table (aggregate expressions
over each child's range, built with `under`) and blocks of the page."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.formatting import COUNT
from governance.models import OrgNode
from governance.registry import Registry

PERIODS = {"30": 30, "90": 90, "365": 365}


@dataclass(frozen=True)
class Period:
    start: object
    end: object
    days: int

    @classmethod
    def last(cls, days, now=None):
        end = timezone.localtime(now or timezone.now())
        return cls(start=end - timedelta(days=days), end=end, days=days)


@dataclass(frozen=True)
class Headcount:
    """How many of something the app registers under a node: `count(node)`."""

    key: str
    label: str
    count: Callable
    order: int


@dataclass(frozen=True)
class Figure:
    """One figure on the page and in the export; `value` reads it from the node's figures."""

    label: str
    value: Callable
    format: str = COUNT


@dataclass(frozen=True)
class PeriodFigures:
    """An app's figures for a node and a period: `compute(node, period)` returns a dict that
    joins the node's figures; `shown` are those the page lists."""

    compute: Callable
    shown: tuple
    order: int


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    format: str = COUNT
    on_page: bool = True  # else only in the export
    chart: str = ""  # "bar" (counts) or "line" (its own axis) in the children chart


@dataclass(frozen=True)
class ChildColumns:
    """An app's columns of the child table. `annotations(period)` are aggregate expressions
    over the child (see `under`); `values(child)` turns the annotated child into the columns'
    values (by default the annotations of the same name); `direct(node, period)` is the part
    placed on the node itself rather than under a child."""

    columns: tuple
    annotations: Callable
    order: int
    values: Callable = None
    direct: Callable = None


@dataclass(frozen=True)
class Section:
    """A block of the page (a template given the page's context), above or below the child
    table; `charts(figures)` adds its charts' data."""

    template: str
    order: int
    below_table: bool = False
    charts: Callable = None


headcounts = Registry()
period_figures = Registry()
child_columns = Registry()
sections = Registry()


def under(rows, child_filter=None, *, node_path="node", value=None):
    """A subquery aggregating `rows` placed under the outer child node (its tree range, reached
    through `node_path`): a count unless `value` says otherwise; 0 when there are none."""
    value = value if value is not None else Count("pk")
    output_field = value.output_field
    aggregated = (
        rows.filter(
            **{
                f"{node_path}__tree_id": OuterRef("tree_id"),
                f"{node_path}__lft__gte": OuterRef("lft"),
                f"{node_path}__lft__lte": OuterRef("rght"),
            }
        )
        .filter(child_filter or Q())
        .order_by()
        # One group: the rows all share the child's tree_id.
        .values(f"{node_path}__tree_id")
        .annotate(n=value)
        .values("n")
    )
    return Coalesce(
        Subquery(aggregated, output_field=output_field), Value(0), output_field=output_field
    )


def node_figures(node, period):
    """Everything the page shows for one node (not its children)."""
    figures = {"headcounts": {h.key: h.count(node) for h in headcounts}}
    for part in period_figures:
        figures.update(part.compute(node, period))
    return figures


def shown_figures(figures):
    """(label, value, format) of each figure the page lists, in order."""
    shown = [Figure(h.label, value=lambda f, key=h.key: f["headcounts"][key]) for h in headcounts]
    shown += [figure for part in period_figures for figure in part.shown]
    return [(f.label, f.value(figures), f.format) for f in shown]


def columns(*, on_page_only=False):
    return [
        column
        for part in child_columns
        for column in part.columns
        if column.on_page or not on_page_only
    ]


def _column_values(part, child):
    if part.values is not None:
        return part.values(child)
    return {column.key: getattr(child, column.key) for column in part.columns}


def children_table(node, period):
    """The node's children, each with the figures the drill-down table compares: one query."""
    annotations = {}
    for part in child_columns:
        annotations.update(part.annotations(period))
    children = OrgNode.objects.filter(parent=node).order_by("lft").annotate(**annotations)
    table = []
    for child in children:
        row = {"node": child}
        for part in child_columns:
            row.update(_column_values(part, child))
        table.append(row)
    return table


def placed_directly(node, period):
    """What sits on the node itself rather than under a child (e.g. a whistle at an address in
    the community with no building, hours of a street's own team): the part of the node's
    figures no child row holds."""
    direct = {}
    for part in child_columns:
        if part.direct is not None:
            direct.update(part.direct(node, period))
    return direct


def sortable():
    return [column.key for column in columns()]


def sort_table(table, key):
    """Sort the child table by a column; missing rates (nothing to divide) go last."""
    if key.lstrip("-") not in sortable():
        return table
    descending = key.startswith("-")
    column = key.lstrip("-")
    present = [r for r in table if r[column] is not None]
    missing = [r for r in table if r[column] is None]
    return sorted(present, key=lambda r: r[column], reverse=descending) + missing


def sort_links(current):
    """For each sortable column: the sort a click asks for (descending first, then
    ascending) and the arrow showing the current order."""
    links = {}
    for column in sortable():
        if current == f"-{column}":
            links[column] = (column, "↓")
        elif current == column:
            links[column] = (f"-{column}", "↑")
        else:
            links[column] = (f"-{column}", "")
    return links


def _chartable(value):
    return float(value) if isinstance(value, Decimal) else value  # JSON has no Decimal


def charts(figures, table):
    """The data of every chart: the sections' own, and the children chart from the columns
    that ask for one."""
    data = {}
    for section in sections:
        if section.charts is not None:
            data.update(section.charts(figures))
    data["children"] = {
        "names": [row["node"].place for row in table],
        "series": [
            {
                "name": str(column.label),
                "type": column.chart,
                "data": [_chartable(row[column.key]) for row in table],
            }
            for column in columns(on_page_only=True)
            if column.chart
        ],
    }
    return data


def page(node, period, sort):
    """The page's context below the breadcrumb: figures, sections, the sorted child table."""
    figures = node_figures(node, period)
    table = sort_table(children_table(node, period), sort)
    shown_columns = columns(on_page_only=True)
    links = sort_links(sort)  # export-only columns sort too (a link may name one)
    direct = placed_directly(node, period)
    for row in table:
        row["cells"] = [(row[c.key], c.format) for c in shown_columns]
    return {
        "data": figures,
        "shown": shown_figures(figures),
        "table": table,
        "columns": [(c, *links[c.key]) for c in shown_columns],
        "sort_links": links,
        "direct": direct,
        "direct_cells": (
            # A column with nothing on the node itself is left blank.
            [(direct[c.key], c.format) if c.key in direct else ("", COUNT) for c in shown_columns]
            if any(direct.values())
            else []
        ),
        "sections_above": [s for s in sections if not s.below_table],
        "sections_below": [s for s in sections if s.below_table],
        "charts": charts(figures, table),
    }
