import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def photo(name="photo.png", size=(16, 16), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def not_an_image(name="photo.jpg"):
    return SimpleUploadedFile(name, b"this is a text file pretending", content_type="image/jpeg")


def oversized(name="big.png"):
    return SimpleUploadedFile(
        name, b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 10), content_type="image/png"
    )
