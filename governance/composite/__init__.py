"""Composite pages — the command center and my work — assembled from what each app
contributes in its `contributions.py`. The modules are collected when apps are ready, as the
admin collects `admin.py`, so these pages import no app, and a new app adds a figure, a column
or a section by registering it."""

from django.utils.module_loading import autodiscover_modules


class Registry:
    """Contributions to one part of a composite page, in the order they name."""

    def __init__(self):
        self._items = []

    def register(self, item):
        self._items.append(item)
        return item

    def __iter__(self):
        return iter(sorted(self._items, key=lambda item: item.order))


def autodiscover():
    autodiscover_modules("contributions")
