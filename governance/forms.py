from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm

from governance.formatting import labelled


class PortalForm(forms.Form):
    """Labels stand on their own line, so no suffix: Chinese would want "：" and questions
    none at all."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


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
