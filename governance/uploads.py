"""Checked uploads: a resident's or a worker's photos are real images of an allowed format
and size, whatever the file name says."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.ImageField):
    """Up to `max_files` images, each a real JPEG, PNG or WebP under settings.UPLOAD_MAX_BYTES."""

    widget = MultipleFileInput

    def __init__(self, *args, max_files=3, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        if max_files == 1:
            kwargs.setdefault("widget", forms.ClearableFileInput)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(n)d photo.", "Attach at most %(n)d photos.", self.max_files
                )
                % {"n": self.max_files},
                code="too_many",
            )
        limit = settings.UPLOAD_MAX_BYTES
        cleaned = []
        for upload in files:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than %(mb)d MB.")
                    % {"name": upload.name, "mb": limit // (1024 * 1024)},
                    code="too_large",
                )
            image = super().clean(upload, initial)  # Pillow opens and verifies it
            if image.image.format not in ALLOWED_IMAGE_FORMATS:
                raise forms.ValidationError(
                    _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": upload.name},
                    code="bad_format",
                )
            cleaned.append(image)
        return cleaned
