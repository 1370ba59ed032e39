"""The audit trail. django-auditlog records every create, change and delete of the portal's
records with who, when and from which address (its middleware knows the request); here the
records it tracks, the events it does not see — logins and failed logins — and the pruning
beyond the retention period. Exports of people's data are PersonalDataExport rows, recorded
like any record."""

from datetime import timedelta

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from governance.masking import mask_mobile, mask_name
from governance.public import client_ip

# Events besides changes, by the word stored in the entry.
EVENTS = {
    "login": pgettext_lazy("audit event", "login"),
    "login failed": pgettext_lazy("audit event", "failed login"),
}

AUDITED_APPS = ("governance", "grids", "volunteers", "services")
# Machinery already timestamped in place: inbox rows, reminders sent, timelines.
UNAUDITED = {"notification", "whistlereminder", "whistleevent", "wishevent"}
UNTRACKED_FIELDS = {"password", "last_login", "name_initials"}
# People's names and numbers are masked by the one rule (张某, 138****1234): the trail says
# that they changed and who changed them, not the data itself.
MASKED = {
    "mobile",
    "reporter_mobile",
    "poster_mobile",
    "contact_phone",
    "full_name",
    "reporter_name",
    "poster_name",
    "contact_name",
}
MASKED_BY_MODEL = {"resident": {"name"}}
# Records whose name in the trail (their str) is a resident's or a volunteer's name.
NAMED_BY_A_PERSON = {"resident", "carerecord", "volunteerprofile"}


def mask_for_trail(value):
    """django-auditlog's mask callable: a number as a mobile, anything else as a name."""
    return mask_mobile(value) if value.isdigit() else mask_name(value)


def register_models():
    """Every model of the portal's apps but the machinery, by its own columns only (reading
    reverse relations on every save would cost a query each)."""
    for app in AUDITED_APPS:
        for model in apps.get_app_config(app).get_models():
            name = model._meta.model_name
            if name in UNAUDITED:
                continue
            columns = [
                f.name for f in model._meta.concrete_fields if f.name not in UNTRACKED_FIELDS
            ]
            masked = (MASKED | MASKED_BY_MODEL.get(name, set())) & set(columns)
            auditlog.register(
                model,
                include_fields=columns,
                mask_fields=sorted(masked),
                mask_callable="governance.audit.mask_for_trail",
            )


@receiver(pre_save, sender=LogEntry, dispatch_uid="governance.audit.mask_repr")
def _mask_person_named_records(sender, instance, **kwargs):
    if instance.content_type.model in NAMED_BY_A_PERSON:
        instance.object_repr = mask_name(instance.object_repr)


def _access(user, request, event, **details):
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        object_pk=str(user.pk or ""),
        actor=user if user.pk else None,
        remote_addr=client_ip(request) if request is not None else None,
        additional_data={"event": event, **details},
    )


@receiver(user_logged_in, dispatch_uid="governance.audit.login")
def record_login(sender, request, user, **kwargs):
    _access(user, request, "login")


@receiver(user_login_failed, dispatch_uid="governance.audit.login_failed")
def record_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    _access(user, request, "login failed", username=username[:150])


def prune(now=None):
    """Delete only what is older than the retention period; return how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted
