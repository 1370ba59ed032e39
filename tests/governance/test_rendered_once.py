"""Public forms rendered once per process (governance.choices_cache.RenderedOnce): the same
values give the same HTML without rendering again, and anything that changes the form —
its values, the language, a cached list, errors — gives its own HTML (#19.4)."""

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from governance import choices_cache
from governance.choices_cache import CachedChoices, CachedModelChoiceField, RenderedOnce
from governance.forms import PortalForm
from governance.models import OrgNode

pytestmark = pytest.mark.django_db

rows = [[1, "红旗社区"], [2, "锦绣苑"]]
places = CachedChoices("test-rendered-places", lambda: [tuple(r) for r in rows], [])


class PlaceForm(RenderedOnce, PortalForm):
    render_bound_once = True
    place = CachedModelChoiceField(
        OrgNode.objects.all(), cached_choices=places, required=False, label=_("Community")
    )
    size = forms.ChoiceField(choices=[("s", "small"), ("l", "large")])
    note = forms.CharField(label="Note", max_length=5)


class QueriedForm(RenderedOnce, PortalForm):
    place = forms.ModelChoiceField(OrgNode.objects.all())


@pytest.fixture(autouse=True)
def _fresh():
    choices_cache._rendered.clear()
    places._drop()
    yield
    rows[:] = [[1, "红旗社区"], [2, "锦绣苑"]]


@pytest.fixture
def renders(monkeypatch):
    """How many times Django rendered a whole form (labels are rendered with a context)."""
    calls = []
    original = PortalForm.render

    def counted(self, template_name=None, context=None, renderer=None):
        if context is None:
            calls.append(type(self))
        return original(self, template_name, context, renderer)

    monkeypatch.setattr(PortalForm, "render", counted)
    return calls


def test_the_same_form_is_rendered_once(renders):
    first = str(PlaceForm().as_div())
    assert str(PlaceForm().as_div()) == first
    assert len(renders) == 1
    assert "红旗社区" in first


def test_other_initial_values_render_their_own_html(renders):
    plain = str(PlaceForm().as_div())
    chosen = str(PlaceForm(initial={"place": 2, "note": "abc"}).as_div())
    assert chosen != plain
    assert '<option value="2" selected>' in chosen and 'value="abc"' in chosen
    assert str(PlaceForm(initial={"place": 2, "note": "abc"}).as_div()) == chosen
    assert len(renders) == 2


def test_a_changed_cached_list_renders_the_new_list():
    assert "锦绣苑" in str(PlaceForm().as_div())
    rows[1] = [2, "幸福里"]
    places.invalidate()
    html = str(PlaceForm().as_div())
    assert "幸福里" in html and "锦绣苑" not in html


def test_each_language_has_its_own_html():
    with translation.override("en"):
        english = str(PlaceForm().as_div())
    with translation.override("zh-hans"):
        chinese = str(PlaceForm().as_div())
    assert "Community" in english and "社区" in chinese


def test_a_valid_bound_form_is_keyed_by_what_was_sent(renders):
    def bound(note):
        form = PlaceForm(QueryDict(f"size=s&note={note}"))
        assert form.is_valid()
        return str(form.as_div())

    assert 'value="aa"' in bound("aa")
    assert 'value="bb"' in bound("bb")
    assert bound("aa") == bound("aa")
    assert len(renders) == 2


def test_a_form_with_errors_or_a_queried_list_is_rendered_each_time(renders):
    invalid = PlaceForm(QueryDict("size=x&note=toolong"))
    assert not invalid.is_valid()
    assert invalid._render_key() is None
    assert "errorlist" in str(invalid.as_div())
    not_validated = PlaceForm(QueryDict("size=s&note=a"))
    assert not_validated._render_key() is None
    assert QueriedForm()._render_key() is None
    str(QueriedForm().as_div())
    str(QueriedForm().as_div())
    assert len(renders) == 3


def test_a_form_rendered_with_its_own_context_is_not_kept():
    form = PlaceForm()
    own = form.render(context={**form.get_context(), "fields": []})
    assert own != form.render()
    assert form.render() == str(PlaceForm().render())


def test_a_posted_form_is_not_kept_unless_it_is_a_search(renders):
    class PostedForm(PlaceForm):
        render_bound_once = False

    for _attempt in range(2):
        form = PostedForm(QueryDict("size=s&note=王"))
        assert form.is_valid()
        assert form._render_key() is None
        str(form.as_div())
    assert len(renders) == 2
