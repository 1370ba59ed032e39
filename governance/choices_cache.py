"""Choice lists that rarely change (communities, categories, amenities), kept in the shared
cache so the public forms neither query nor build them per request, and a select widget that
renders its options without a template per option (a community list has ~100).

Only public, identical-for-everyone lists belong here: a list is keyed by its name alone.
Saving or deleting a row of a listed model drops the list (now and again on commit, so a
reader between the two cannot keep the old rows); a TTL bounds what bulk updates, which send
no signals, can leave stale. Validation never uses the cached list: the field still checks
the posted value against its queryset.

Each process also keeps the list it last read for LOCAL_SECONDS, so a page does not fetch
it from the shared cache either: a change is seen at once by the process that made it and by
the others within those seconds."""

import logging
import time

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.forms.utils import flatatt
from django.test.signals import setting_changed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

TTL = 600
LOCAL_SECONDS = 5
_lists = {}


class CachedChoices:
    """A named list of (pk, label) built by `build()`, dropped when any of `models` changes."""

    def __init__(self, name, build, models):
        self.key = f"choices:{name}"
        self.build = build
        self._local = None  # (until, rows): this process's copy
        for model in models:
            post_save.connect(self.invalidate, sender=model, weak=False)
            post_delete.connect(self.invalidate, sender=model, weak=False)
        _lists[name] = self

    def get(self):
        local = self._local
        if local is not None and local[0] > time.monotonic():
            return local[1]
        rows = self._shared()
        self._local = (time.monotonic() + LOCAL_SECONDS, rows)
        return rows

    def _shared(self):
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
        self._local = None
        try:
            cache.delete(self.key)
        except Exception:  # nothing kept can be served while the cache is down either
            logger.warning("choice cache unavailable; cannot drop %s", self.key)


def invalidate_all():
    for choices in _lists.values():
        choices._drop()


@receiver(setting_changed, dispatch_uid="governance.choices_cache.forget")
def _forget_local(**_kwargs):
    # Tests change settings per test and clear the shared cache; this process's copies go too.
    for choices in _lists.values():
        choices._local = None


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


# --- Forms rendered once: a public form's HTML is the same for every visitor who opens it
# with the same values, so it is kept in this process's memory, keyed by all it is made of.

RENDERED_MAX = 256  # forms kept per process; a full store starts afresh
_rendered = {}


def _flat(choices):
    """Choices as plain strings (a group's options nested), in the active language."""
    return tuple(
        (str(key), _flat(label) if isinstance(label, (list, tuple)) else str(label))
        for key, label in choices
    )


class RenderedOnce:
    """A form mixin: its HTML is rendered once per process for each language, form values
    and choice lists, and then served from memory. A form without errors renders only what
    these give it — the class's fields, the active language, the initial values or the
    submitted data, and the choices — so nothing of one visitor's request but the values
    they chose can reach another's page, and a changed choice list makes a new key. A form
    with errors, files or a queried (uncached, non-empty) list is rendered as usual.

    Only for forms whose `__init__` shapes the fields from nothing else than those (the
    CSRF token is never part of a form's own HTML)."""

    def render(self, template_name=None, context=None, renderer=None):
        key = None if context is not None or renderer is not None else self._render_key()
        if key is None:
            return super().render(template_name, context, renderer)
        key = (template_name, *key)
        html = _rendered.get(key)
        if html is None:
            html = super().render(template_name)
            if len(_rendered) >= RENDERED_MAX:
                _rendered.clear()
            _rendered[key] = html
        return html

    # A submitted form is kept only where it is a search (GET) form: what a resident posts —
    # names, numbers — is not kept in memory, even under a key only its sender could make.
    render_bound_once = False

    def _render_key(self):
        if self.is_bound:
            # Rendering validates; only a form already validated without errors is shared.
            if not self.render_bound_once or self.files or self._errors is None or self._errors:
                return None
            values = tuple(
                (
                    name,
                    tuple(self.data.getlist(name))
                    if hasattr(self.data, "getlist")
                    else self.data.get(name),
                )
                for name in (self.add_prefix(field) for field in self.fields)
            )
        else:
            values = tuple((name, str(value)) for name, value in sorted(self.initial.items()))
        lists = []
        for name, field in self.fields.items():
            if isinstance(field, CachedModelChoiceField):
                lists.append((name, tuple(map(tuple, field.rows()))))
            elif isinstance(field, forms.ModelChoiceField):
                if not field.queryset.query.is_empty():
                    return None  # a list from the database, not from the cache
            elif isinstance(field, forms.ChoiceField):
                lists.append((name, _flat(field.choices)))
        return (
            type(self),
            get_language(),
            self.prefix,
            self.auto_id,
            self.label_suffix,
            self.is_bound,
            values,
            tuple(lists),
        )
