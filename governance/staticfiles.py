"""Static files in production: hashed and compressed once `collectstatic` has run, and until
then the plain names, which WhiteNoise serves straight from the app folders — so a set-up
that has not collected yet serves every page (slower assets) instead of failing them all."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False  # a name missing from the manifest is looked up, not an error

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # not collected: the plain name, served from the app folders
            return name
