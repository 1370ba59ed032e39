"""The Excel import and export of the grid registers, mounted at /grids/import/."""

from django.urls import path

from grids.views import imports

urlpatterns = [
    path("", imports.import_page, name="grids-import"),
    path("template.xlsx", imports.import_template, name="grids-import-template"),
    path("left-out.xlsx", imports.rejected_rows, name="grids-import-rejected"),
    path("export.xlsx", imports.export, name="grids-export"),
]
