"""The Excel import and export of the grid registers (filled by the import work)."""

urlpatterns = []
