from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
