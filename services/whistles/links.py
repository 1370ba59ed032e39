from django.urls import reverse


def staff_url(whistle):
    """Where staff open the whistle: notifications link here."""
    return reverse("whistle-detail", args=[whistle.pk])
