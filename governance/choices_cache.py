"""Choice lists that rarely change (communities, categories, amenities), kept in the shared
cache so the public forms neither query nor build them per request, and a select widget that
renders its options without a template per option (a community list has ~100).

Only public, identical-for-everyone lists belong here: a list is keyed by its name alone.
Saving or deleting a row of a listed model drops the list (now and again on commit, so a
reader between the two cannot keep the old rows); a TTL bounds what bulk updates, which send
no signals, can leave stale. Validation never uses the cached list: the field still checks
the posted value against its queryset."""

import logging

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

TTL = 600
_lists = {}


class CachedChoices:
    """A named list of (pk, label) built by `build()`, dropped when any of `models` changes."""

    def __init__(self, name, build, models):
        self.key = f"choices:{name}"
        self.build = build
        for model in models:
            post_save.connect(self.invalidate, sender=model, weak=False)
            post_delete.connect(self.invalidate, sender=model, weak=False)
        _lists[name] = self

    def get(self):
        try:
            rows = cache.get(self.key)
        except Exception:  # the shared cache is down: the form is built from the database
            logger.warning("choice cache unavailable; building %s", self.key)
            return self.build()
        if rows is None:
            rows = self.build()
            try:
                cache.set(self.key, rows, TTL)
            except Exception:
                logger.warning("choice cache unavailable; not keeping %s", self.key)
        return rows

    def invalidate(self, **_kwargs):
        self._drop()
        transaction.on_commit(self._drop)

    def _drop(self):
        try:
            cache.delete(self.key)
        except Exception:  # nothing kept can be served while the cache is down either
            logger.warning("choice cache unavailable; cannot drop %s", self.key)


def invalidate_all():
    for choices in _lists.values():
        choices._drop()


class _CachedIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.rows()

    def __len__(self):
        return len(self.field.rows()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows())


class FastSelect(forms.Select):
    """A <select> whose options are joined in Python: the stock widget renders two templates
    per option, most of a public form's time with a district's communities."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        selected = set(widget["value"])
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if key in selected else ""}>'
            f"{escape(label)}</option>"
            for key, label in ((("" if k is None else str(k)), v) for k, v in self.choices)
        )
        return mark_safe(
            f'<select name="{escape(name)}"{flatatt(widget["attrs"])}>{options}</select>'
        )

    def optgroups(self, name, value, attrs=None):
        return []  # render() joins the options itself


class CachedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField offering `cached_choices` (a CachedChoices) on its page; what is
    posted is still looked up in `queryset`."""

    iterator = _CachedIterator
    widget = FastSelect

    def __init__(self, queryset, *, cached_choices, **kwargs):
        self.cached_choices = cached_choices
        self._rows = None
        super().__init__(queryset, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._rows = None  # each form (each request) reads the list afresh
        return result

    def rows(self):
        """The list, read once per form: a page renders it more than once."""
        if self._rows is None:
            self._rows = self.cached_choices.get()
        return self._rows
