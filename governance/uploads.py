"""Checked uploads: a resident's or a worker's photos are real images of an allowed format,
size and pixel count, whatever the file name says, and are stored re-encoded without the
metadata a phone writes into them (GPS position, camera, time)."""

import io
import os

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
# Many phones write a JPEG with a second picture (a depth map, a preview) after the first,
# which Pillow calls MPO: a JPEG to the resident, stored as a JPEG of its first picture.
JPEG_FORMATS = {"JPEG", "MPO"}
# The name a stored photo ends with follows what it is: the views serve it with the type
# its extension says.
EXTENSIONS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",)}
# JPEG and WebP are saved again lossy at the usual web quality: a photo looks the same.
QUALITY = 85


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.ImageField):
    """Up to `max_files` images, each a real JPEG, PNG or WebP under settings.UPLOAD_MAX_BYTES
    and settings.UPLOAD_MAX_PIXELS that decodes in full. Each comes back re-encoded in its
    own format, turned upright, without EXIF, XMP, ICC profile or comments."""

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
            self._check_pixels(upload)  # from the header, before anything is decoded
            image = super().clean(upload, initial)  # Pillow opens and verifies it
            if image.image.format not in ALLOWED_IMAGE_FORMATS | JPEG_FORMATS:
                raise forms.ValidationError(
                    _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": upload.name},
                    code="bad_format",
                )
            cleaned.append(reencoded(image))
        return cleaned

    def _check_pixels(self, upload):
        # A few kilobytes of PNG can declare 12000 × 12000 pixels, 400 MB once decoded.
        # Image.open reads the header only. Pillow's own decompression-bomb check
        # (a warning, or an error past twice its limit) means the same thing here.
        upload.seek(0)
        try:
            with Image.open(upload) as header:
                width, height = header.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            width = height = None
        except Exception as exc:  # not an image at all: Django's own message
            raise forms.ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc
        finally:
            upload.seek(0)
        limit = settings.UPLOAD_MAX_PIXELS
        if width is None or width * height > limit:
            raise forms.ValidationError(
                _(
                    "“%(name)s” is too large in pixels: a photo may have at most "
                    "%(megapixels)s million pixels."
                )
                % {"name": upload.name, "megapixels": f"{limit / 1_000_000:g}"},
                code="too_many_pixels",
            )


def reencoded(upload):
    """The photo decoded in full (a truncated or damaged file is refused: Pillow's
    LOAD_TRUNCATED_IMAGES stays off), turned as its EXIF orientation says, and saved again
    in its format with none of the original's metadata: a new uploaded file, of the same
    name (its extension made to say the format if it said another)."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            fmt = "JPEG" if image.format in JPEG_FORMATS else image.format
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            # What a plugin copies from `info` when saving (a JPEG's comment, a PNG's ICC
            # profile) goes; a PNG's transparent colour is part of the picture and stays.
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
            if fmt == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, fmt, **({} if fmt == "PNG" else {"quality": QUALITY}))
    except Exception as exc:  # Pillow's errors for broken data are many: OSError, SyntaxError…
        raise forms.ValidationError(
            _("“%(name)s” is damaged or incomplete. Please attach the photo again.")
            % {"name": upload.name},
            code="broken_image",
        ) from exc
    finally:
        upload.seek(0)
    stem, extension = os.path.splitext(os.path.basename(upload.name))
    if extension.lower() not in EXTENSIONS[fmt]:
        extension = EXTENSIONS[fmt][0]
    clean = SimpleUploadedFile(stem + extension, buffer.getvalue(), content_type=Image.MIME[fmt])
    clean.image = Image.open(io.BytesIO(buffer.getvalue()))  # like Django's: header only
    return clean
