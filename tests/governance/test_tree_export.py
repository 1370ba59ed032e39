"""The organisation tree as a workbook reads like every other: a title row saying the area and
the day, a frozen header, widths sized to the names, levels as numbers."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from governance import workbooks
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db


def sheet_of(client):
    response = client.get(reverse("org-export"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def test_the_tree_sheet_has_its_area_as_title_and_a_frozen_header(client_for, cadre_a):
    sheet = sheet_of(client_for(cadre_a))
    assert sheet["A1"].value == workbooks.heading("红旗社区党委", as_of=timezone.localdate())
    assert sheet.freeze_panes == "A3" and all(c.font.b for c in sheet[2])
    community = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "HX-01")
    assert (community[3].value, community[3].data_type) == (1, "n")  # the level, a number
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    widest = max(workbooks.display_width(name) for name in names)  # CJK characters count two
    assert widest > len(max(names, key=len))
    assert sheet.column_dimensions["B"].width == widest + 2


def test_a_superuser_sees_every_street_in_the_title(client_for, superuser, small_tree):
    NodeFactory(code="DF", name="东风街道党工委")
    sheet = sheet_of(client_for(superuser))
    assert sheet["A1"].value == workbooks.heading(_("All streets"), as_of=timezone.localdate())
