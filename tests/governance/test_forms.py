"""The portal's form base: what every form of the portal refuses."""

from django import forms
from django.utils.translation import gettext as _

from governance.forms import PortalForm


class NoteForm(PortalForm):
    note = forms.CharField()


def test_every_portal_form_refuses_control_characters():
    form = NoteForm({"note": "见\x1b[31m红"})
    assert not form.is_valid()
    assert form.errors["note"] == [_("Remove the invisible control characters from this text.")]
    assert NoteForm({"note": "第一行\n\t第二行"}).is_valid()
