"""Staff steps on a page: which ones this user may take now, their forms, and running one."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.forms import PortalForm, flash_form_errors
from governance.workflow import TransitionError


class Step:
    """One staff step: who may take it, in which states, its form and its function.

    The function is called as `function(<subject>=obj, actor=user, **form.cleaned_data)`."""

    def __init__(self, label, form, function, *, subject, states, check, when=None):
        self.label, self.form, self.function = label, form, function
        self.states, self.check, self.when, self.subject = states, check, when, subject

    def allowed(self, user, obj):
        return (
            obj.status in self.states
            and (self.when is None or self.when(obj))
            and self.check(user, obj)
        )

    def make_form(self, obj, user, data=None, files=None):
        return self.form(data, files, subject=obj, user=user)


def allowed_steps(steps, user, obj):
    """(name, label, empty form) for each step this user may take on obj now."""
    return [
        (name, step.label, step.make_form(obj, user) if step.form else None)
        for name, step in steps.items()
        if step.allowed(user, obj)
    ]


def run_step(request, steps, step_name, obj):
    """Validate the step's form and run it; the outcome becomes a message on the page."""
    step = steps.get(step_name)
    if step is None:
        messages.error(request, _("Unknown action."))
        return
    form = step.make_form(obj, request.user, request.POST, request.FILES) if step.form else None
    if form is not None and not form.is_valid():
        flash_form_errors(request, form)
        return
    try:
        step.function(
            **{step.subject: obj},
            actor=request.user,
            **(form.cleaned_data if form is not None else {}),
        )
        messages.success(request, _("Done: %(step)s.") % {"step": step.label})
    except TransitionError as error:
        messages.error(request, error.message)


# --- Step forms: each one's cleaned_data are the keyword arguments of its step.


class StepForm(PortalForm):
    """A staff step's form; `subject` is the whistle or wish the step acts on, `user` who acts."""

    def __init__(self, *args, subject=None, user=None, **kwargs):
        self.subject, self.user = subject, user
        super().__init__(*args, **kwargs)


class NoteForm(StepForm):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("For staff only."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicReasonForm(StepForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        help_text=gettext_lazy("The resident reads this on their status page."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(StepForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
