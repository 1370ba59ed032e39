"""The party organisation's own life (#13): the member roster, 双报到, partner units and the
three lists, alliances. Part of the foundation: it learns what the other apps recorded only
through what they register (governance/registry.py), never by importing them. Its models
carry the governance app label (imported at the end of governance/models.py)."""
