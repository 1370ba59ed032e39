"""Composite pages — the command center and my work — assembled from what each app
contributes in its `contributions.py` (see governance.registry), so these pages import no
app, and a new app adds a figure, a column or a section by registering it."""
