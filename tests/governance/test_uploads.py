"""The portal's one upload check (governance.uploads.ImagesField): a photo too large in
pixels or cut short is refused with a clear message, and an accepted photo is stored
re-encoded, turned upright, without the GPS position and camera its phone wrote into it;
stored photos are served inline, unsniffed and sandboxed."""

import io
from datetime import timedelta

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import ExifTags, Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from governance.uploads import ImagesField
from services.whistles.models import Category, Urgency, Whistle
from tests.services.images import photo, photo_with_metadata, pixel_bomb, truncated_photo


def refusal(upload, max_files=1):
    with translation.override("en"), pytest.raises(forms.ValidationError) as refused:
        ImagesField(max_files=max_files).clean(upload)
    return refused.value


def opened(cleaned):
    cleaned.seek(0)
    image = Image.open(io.BytesIO(cleaned.read()))
    image.load()  # a whole, valid image
    return image


# --- Pixels, counted before decoding


def test_a_photo_over_the_pixel_limit_is_refused(settings):
    settings.UPLOAD_MAX_PIXELS = 100
    error = refusal(photo(size=(20, 20)))
    assert error.code == "too_many_pixels"
    assert "too large in pixels" in error.message
    # At the limit it is a photo like any other.
    [accepted] = ImagesField(max_files=1).clean(photo(size=(10, 10)))
    assert opened(accepted).size == (10, 10)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # expected
@pytest.mark.parametrize(
    "size",
    [(12_000, 12_000), (20_000, 10_000)],
    ids=["144 MP: Pillow only warns", "200 MP: Pillow raises its bomb error"],
)
def test_a_huge_png_that_compresses_tiny_is_refused_without_being_decoded(monkeypatch, size):
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda image: decoded.append(image) or load(image)
    )
    bomb = pixel_bomb(size=size)
    assert bomb.size < 64 * 1024
    error = refusal(bomb)
    assert error.code == "too_many_pixels" and "40 million pixels" in error.message
    assert decoded == []


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("size", [(12_000, 12_000), (20_000, 10_000)])
def test_pillows_bomb_protection_is_a_refusal_not_a_server_error(settings, size):
    # Even with the portal's own limit raised past Pillow's, and its warning an error.
    settings.UPLOAD_MAX_PIXELS = 10**9
    assert refusal(pixel_bomb(size=size)).code == "too_many_pixels"


# --- Decoded in full


def test_a_truncated_jpeg_is_refused():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    error = refusal(truncated_photo())
    assert error.code == "broken_image"
    assert "“cut.jpg” is damaged or incomplete" in error.message


# --- Stored re-encoded, without metadata


def test_a_phones_jpeg_comes_out_without_gps_exif_xmp_or_comment():
    [cleaned] = ImagesField(max_files=1).clean(photo_with_metadata("street.jpg"))
    image = opened(cleaned)
    assert image.format == "JPEG" and image.size == (32, 24)
    assert not image.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    cleaned.seek(0)
    data = cleaned.read()
    assert b"Exif" not in data and b"Resident Phone" not in data and b"flat 302" not in data
    assert cleaned.name == "street.jpg" and cleaned.content_type == "image/jpeg"


def test_a_sideways_photo_is_turned_upright_as_its_exif_says():
    # Orientation 6: the camera was held turned; shown upright, the left edge is on top.
    [cleaned] = ImagesField(max_files=1).clean(photo_with_metadata(size=(40, 20), orientation=6))
    image = opened(cleaned).convert("RGB")
    assert image.size == (20, 40)
    assert ExifTags.Base.Orientation not in image.getexif()
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[2] > 150 > top[0]  # blue, the left half
    assert bottom[0] > 150 > bottom[2]  # red


def test_a_phones_jpeg_with_a_second_picture_is_stored_as_a_plain_jpeg():
    first, depth = Image.new("RGB", (16, 12), (200, 30, 30)), Image.new("L", (16, 12), 128)
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[depth])
    upload = SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert Image.open(upload).format == "MPO"
    [cleaned] = ImagesField(max_files=1).clean(upload)
    image = opened(cleaned)
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
    assert cleaned.name == "portrait.jpg" and cleaned.content_type == "image/jpeg"


def test_a_png_keeps_its_format_and_transparency_but_not_its_text_or_profile():
    picture = Image.new("P", (8, 8), 1)
    picture.putpalette([0, 0, 0, 255, 0, 0])
    text = PngInfo()
    text.add_text("Comment", "taken at home, flat 302")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", transparency=0, pnginfo=text, icc_profile=b"a profile")
    upload = SimpleUploadedFile("plan.png", buffer.getvalue(), content_type="image/png")
    [cleaned] = ImagesField(max_files=1).clean(upload)
    image = opened(cleaned)
    assert image.format == "PNG" and cleaned.content_type == "image/png"
    assert image.info.get("transparency") == 0
    assert "Comment" not in image.info and "icc_profile" not in image.info


def test_a_stored_name_ends_as_what_the_file_is():
    [cleaned] = ImagesField(max_files=1).clean(photo("plan.jpg"))  # a PNG, whatever its name
    assert cleaned.name == "plan.png" and cleaned.content_type == "image/png"
    [cleaned] = ImagesField(max_files=1).clean(photo("IMG_0001.JPEG", fmt="JPEG"))
    assert cleaned.name == "IMG_0001.JPEG"


# --- Through a form, to the stored file and back


@pytest.fixture
def category(db):
    category, _ = Category.objects.get_or_create(
        name="乱停车、占道",
        defaults={
            "urgency": Urgency.GENERAL,
            "dispatch_within": timedelta(hours=24),
            "resolve_within": timedelta(days=7),
        },
    )
    return category


def report(client, small_tree, category, upload):
    """A resident's whistle through the public form, with one photo: its stored photo."""
    response = client.post(
        "/report/",
        {
            "category": category.pk,
            "description": "楼下消防通道被汽车堵住了。",
            "community": small_tree.community_a.pk,
            "building": small_tree.buildings_a[0].pk,
            "reporter_name": "王秀英",
            "reporter_mobile": "13612345678",
            "photos": [upload],
        },
    )
    assert response.status_code == 302
    return Whistle.objects.get().photos.get()


def test_a_residents_photo_is_stored_upright_and_without_its_gps(client, small_tree, category):
    stored = report(client, small_tree, category, photo_with_metadata("lane.jpg", orientation=6))
    with stored.image.open("rb") as f:
        data = f.read()
    on_disk = Image.open(io.BytesIO(data))
    assert on_disk.format == "JPEG" and on_disk.size == (24, 32)
    assert not on_disk.getexif() and b"Resident Phone" not in data


def test_a_stored_photo_is_served_inline_unsniffed_and_sandboxed(
    client, client_for, small_tree, cadre_a, category
):
    stored = report(client, small_tree, category, photo("lane.jpg", fmt="JPEG"))
    response = client_for(cadre_a).get(reverse("whistle-photo", args=[stored.pk]))
    assert response.status_code == 200
    basename = stored.image.name.rsplit("/", 1)[-1]
    assert response["Content-Disposition"] == f'inline; filename="{basename}"'
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'; img-src 'self'"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
