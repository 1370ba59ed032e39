"""Static files in production: hashed and compressed once `collectstatic` has run, and until
then the plain names, which WhiteNoise serves straight from the app folders — so a set-up
that has not collected yet serves every page (slower assets) instead of failing them all."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False  # a name missing from the manifest is looked up, not an error

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        # Every page asks for the same few assets, and their files change only with a deploy
        # (collectstatic, then a restart): each URL is worked out once per process, not per
        # page (a name missing from the manifest would otherwise be hashed from its file).
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # not collected: the plain name, served from the app folders
            return name
