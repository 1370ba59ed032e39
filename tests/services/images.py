import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


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


def _upload(name, data, fmt):
    return SimpleUploadedFile(name, data, content_type=f"image/{fmt.lower()}")


def photo_with_metadata(name="street.jpg", size=(32, 24), orientation=None):
    """A JPEG as a phone writes it: camera and GPS position in EXIF, XMP, a comment;
    `orientation` (EXIF 0x0112) says how to turn it upright."""
    image = Image.new("RGB", size, (200, 30, 30))
    # The left half blue: after turning, where it went tells which way it turned.
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Resident Phone 12"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 5.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 9.25)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, xmp=b"<x:xmpmeta>home</x:xmpmeta>", comment=b"flat 302")
    return _upload(name, buffer.getvalue(), "JPEG")


def truncated_photo(name="cut.jpg"):
    """A real JPEG's header and the first part of its data, as an interrupted upload leaves."""
    image = Image.effect_noise((256, 256), 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    data = buffer.getvalue()
    return _upload(name, data[: len(data) // 2], "JPEG")


def pixel_bomb(name="bomb.png", size=(12_000, 12_000)):
    """A valid black-and-white PNG of `size` pixels that compresses to a few kilobytes:
    written chunk by chunk, never held decoded."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    width, height = size
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then 1 bit per pixel
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return _upload(name, data, "PNG")
