"""Contributions one app makes to what another assembles (a composite page, the points a
deed earns), collected from each app's `contributions.py` when apps are ready, as the admin
collects `admin.py`."""

from django.utils.module_loading import autodiscover_modules


class Registry:
    """Contributions to one thing, in the order they name."""

    def __init__(self):
        self._items = []

    def register(self, item):
        self._items.append(item)
        return item

    def __iter__(self):
        return iter(sorted(self._items, key=lambda item: item.order))


def autodiscover():
    autodiscover_modules("contributions")
