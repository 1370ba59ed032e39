"""The command center (指挥中心): figures for any node of the tree and its children, from a
fixed number of aggregate queries over tree ranges, whatever the number of rows.

Every figure, column and section comes from an app's `contributions.py`: a headcount of what
the app registers, figures of a period, columns of the child table (aggregates over the rows
under each child, one grouped pass per app) and blocks of the page."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import F, Func, IntegerField
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
    """An app's columns of the child table. `rows(period)` are the rows that may count, placed
    on the tree through `node_path` ("" for tree nodes themselves); `aggregates(period)` are
    aggregate expressions over them (a `filter=` each for its own condition), computed per
    child in one grouped pass; `values(aggregates)` turns one child's aggregates into the
    columns' values (by default the aggregates of the same name). What is placed on the node
    itself rather than under a child: the `direct_columns` of the rows on the node, from the
    same pass, and/or what `direct(node, period)` returns."""

    columns: tuple
    rows: Callable
    aggregates: Callable
    order: int
    node_path: str = "node"
    values: Callable = None
    direct_columns: tuple = ()
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


class _ChildOf(Func):
    """Which child a row lies under, from its node's left value: `CASE WHEN lft BETWEEN a AND
    b THEN child ...`. The children's ranges do not overlap, so a row matches one of them at
    most; NULL for a row on the node itself. Compiled as one expression: a When per child
    costs the ORM a resolved and compiled lookup pair per child and app, more than the query
    itself for a street's communities."""

    output_field = IntegerField()

    def __init__(self, lft, ranges):
        super().__init__(lft)
        self.ranges = tuple(ranges)  # (lft, rght, pk) of each child

    def as_sql(self, compiler, connection, **extra_context):
        if not self.ranges:
            return "NULL", []
        lft_sql, lft_params = compiler.compile(self.source_expressions[0])
        sql, params = [], []
        for lft, rght, pk in self.ranges:
            sql.append(f"WHEN {lft_sql} BETWEEN %s AND %s THEN %s")
            params += [*lft_params, lft, rght, pk]
        return f"CASE {' '.join(sql)} END", params


def _child_of(children, node_path):
    lft = f"{node_path}__lft" if node_path else "lft"
    return _ChildOf(F(lft), [(child.lft, child.rght, child.pk) for child in children])


def _under(node, node_path):
    """Rows in the node's subtree, through the (tree_id, lft) index."""
    prefix = f"{node_path}__" if node_path else ""
    return {
        f"{prefix}tree_id": node.tree_id,
        f"{prefix}lft__gte": node.lft,
        f"{prefix}lft__lt": node.rght,
    }


def per_child(node, children, part, period):
    """One app's aggregates for every child and for the node itself (key None: the rows on it,
    under no child), from one grouped pass over the node's subtree rather than a subquery per
    child and column: {child id or None: {name: value}}. A child with no rows gets what the
    aggregates give over nothing (0, or their default)."""
    aggregates = part.aggregates(period)
    # Aliases of our own: an aggregate may share its name with a field of the rows.
    aliases = {f"cc_{i}": name for i, name in enumerate(aggregates)}
    rows = part.rows(period)
    grouped = (
        rows.filter(**_under(node, part.node_path))
        .annotate(cc_child=_child_of(children, part.node_path))
        .order_by()
        .values("cc_child")
        .annotate(**{alias: aggregates[name] for alias, name in aliases.items()})
    )
    found = {
        row["cc_child"]: {name: row[alias] for alias, name in aliases.items()} for row in grouped
    }
    keys = [None, *(child.pk for child in children)]
    if any(key not in found for key in keys):
        nothing = rows.none().aggregate(**aggregates)  # no query: the values over no rows
        found = {key: found.get(key, nothing) for key in keys}
    return found


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


def _column_values(part, aggregated):
    if part.values is not None:
        return part.values(aggregated)
    return {column.key: aggregated[column.key] for column in part.columns}


def table_and_direct(node, period):
    """The node's children, each with the figures the drill-down table compares, and what sits
    on the node itself rather than under a child (e.g. a whistle at an address in the
    community with no building, hours of a street's own team): the children, then one grouped
    query per app's columns, whatever the number of children and rows."""
    children = list(OrgNode.objects.filter(parent=node).order_by("lft"))
    table = [{"node": child} for child in children]
    direct = {}
    for part in child_columns:
        aggregated = per_child(node, children, part, period)
        for row in table:
            row.update(_column_values(part, aggregated[row["node"].pk]))
        if part.direct_columns:
            own = _column_values(part, aggregated[None])
            direct.update({key: own[key] for key in part.direct_columns})
        if part.direct is not None:
            direct.update(part.direct(node, period))
    return table, direct


def children_table(node, period):
    return table_and_direct(node, period)[0]


def placed_directly(node, period):
    return table_and_direct(node, period)[1]


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
    table, direct = table_and_direct(node, period)
    table = sort_table(table, sort)
    shown_columns = columns(on_page_only=True)
    links = sort_links(sort)  # export-only columns sort too (a link may name one)
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
