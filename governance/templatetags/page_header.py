"""The page header's pieces that are the same on every page: worked out once per process."""

from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info

register = template.Library()
_options = {}


@register.simple_tag
def language_options(current):
    """The language switcher's <option>s, `current` selected, each named in its own language."""
    html = _options.get(current)
    if html is None:
        html = _options[current] = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if code == current else "", info["name_local"])
                for code, info in ((c, get_language_info(c)) for c, _name in settings.LANGUAGES)
            ),
        )
    return html
