import re

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.formatting import labelled

# C0 controls but tab and line breaks, and DEL: pasted from other systems, they break
# exports and searches (PostgreSQL refuses a NUL in text) and mean nothing to a reader.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(value):
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control"
        )


class PortalForm(forms.Form):
    """Labels stand on their own line, so no suffix: Chinese would want "：" and questions
    none at all. Text fields refuse control characters, so every form of the portal does."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(no_control_characters)


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def flash_form_errors(request, form):
    """A form's errors as messages, each naming its field: the page redirects afterwards."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, labelled(label, error) if label else error)
