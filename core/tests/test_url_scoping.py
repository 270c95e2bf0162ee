"""Every URL of the site and the API, as every persona, by GET and by POST: nothing unscoped, nothing leaks,
nothing written where the persona may not write."""

import pytest
from django.http import HttpResponse
from django.urls import include, path
from django.views import View

from core.testing import urlwalk
from core.testing.world import build_world, login_client
from core.views import ScopedDetailView
from orgs.models import Unit


@pytest.fixture
def world(db):
    """The test world with every optional part, so the walker has a row of each model to try."""
    return build_world(committee_history=True, notifications=True)


def persona_map(world):
    personas = {"anonymous": None, **world.users}
    invisible = {}
    for name, user in world.users.items():
        visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
        invisible[name] = [u.name for u in Unit.objects.exclude(pk__in=visible)]
    return personas, invisible


def login(client, user):
    login_client(client, user)


def test_every_url_pattern_declares_its_scoping():
    assert urlwalk.static_problems() == []


def test_every_api_operation_declares_its_scoping():
    assert urlwalk.api_static_problems() == []


def test_the_world_has_what_the_walker_needs(world):
    _, invisible = persona_map(world)
    # Out-of-scope units for the walker to look for ...
    assert "外区民政局" in invisible["staff"] and "区财政局" in invisible["liaison"]
    # ... the two-federation persona sees its own unit in fed_b and not the rest of it ...
    assert "外区民政局" not in invisible["dual"]
    # ... and committee rows of both federations for the committee pages' <pk> URLs.
    from committees.models import Committee, Seat, Term, Vacancy

    for model in (Committee, Term, Seat, Vacancy):
        assert {world.fed_a.pk, world.fed_b.pk} <= set(model.objects.values_list("federation_id", flat=True))


@pytest.mark.engine_agnostic
def test_every_url_as_every_role_leaks_nothing(world):
    personas, invisible = persona_map(world)
    assert urlwalk.dynamic_problems(personas, invisible, login) == []


@pytest.mark.engine_agnostic
def test_every_post_as_every_role_writes_nothing_out_of_scope(world):
    personas, invisible = persona_map(world)
    assert urlwalk.dynamic_problems(personas, invisible, login, methods=("POST",)) == []


@pytest.mark.engine_agnostic
def test_every_api_operation_as_every_role_leaks_nothing(world):
    personas, invisible = persona_map(world)
    assert urlwalk.api_dynamic_problems(personas, invisible) == []


# --- The walker itself catches a view added without scoping, one that fetches around the scope, and one
# --- that writes around it.


class UnscopedUnitView(View):
    """What a hurried developer might write: no scoping at all."""

    def get(self, request, pk):
        return HttpResponse(Unit.objects.get(pk=pk).name)


class LeakyUnitView(ScopedDetailView):
    """Declares a model but fetches around the scope."""

    model = Unit

    def get(self, request, pk):
        return HttpResponse(Unit.objects.get(pk=pk).name)


class UnscopedWriteView(ScopedDetailView):
    """Declares a model and reads through the scope, but its POST writes to any unit."""

    model = Unit
    action = "change"

    def post(self, request, pk):
        unit = Unit.objects.get(pk=pk)
        Unit.objects.filter(pk=unit.pk).update(notes="改写")
        return HttpResponse("ok")


class UnscopedUrls:
    urlpatterns = [
        path("", include("config.urls")),
        path("bad/units/<int:pk>/", UnscopedUnitView.as_view(), name="bad-unit"),
    ]


class LeakyUrls:
    urlpatterns = [
        path("", include("config.urls")),
        path("leaky/units/<int:pk>/", LeakyUnitView.as_view(), name="leaky"),
    ]


class WritingUrls:
    urlpatterns = [
        path("", include("config.urls")),
        path("writes/units/<int:pk>/", UnscopedWriteView.as_view(), name="writes"),
    ]


def test_walker_reports_a_view_added_without_scoping(settings):
    settings.ROOT_URLCONF = UnscopedUrls
    problems = urlwalk.static_problems()
    assert any("bad/units/<int:pk>/" in p and "declares no scoping" in p for p in problems), problems


def test_walker_reports_a_view_that_fetches_around_the_scope(world, settings):
    settings.ROOT_URLCONF = LeakyUrls
    _, invisible = persona_map(world)
    problems = urlwalk.dynamic_problems({"liaison": world.liaison}, invisible, login)
    assert any("leaky/units/" in p and "expected 404" in p for p in problems), problems


def test_walker_reports_a_write_that_is_not_scoped(world, settings):
    settings.ROOT_URLCONF = WritingUrls
    _, invisible = persona_map(world)
    problems = urlwalk.dynamic_problems({"liaison": world.liaison}, invisible, login, methods=("POST",))
    out_of_scope = f"/writes/units/{world.unit_a2.pk}/"
    assert any(out_of_scope in p and "orgs_unit" in p for p in problems), problems
    # The walk rolled its writes back.
    assert not Unit.objects.filter(notes="改写").exists()


def test_public_pages_are_only_login_and_health():
    public = sorted(
        r.route
        for r in urlwalk.iter_routes()
        if not urlwalk.is_api(r) and r.attr("jinguo_scoping") == "public"
    )
    # The one-time reset code's page is public: its holder cannot log in yet (accounts.resets).
    # The certificate check is public: whoever holds a volunteer's certificate checks it (lectures).
    # Calendar feeds (a person's lectures, an executive's roster) are read by calendar applications that
    # cannot log in: the secret, revocable token in the URL is the credential (an unknown token is 404).
    assert public == [
        "accounts/login/",
        "accounts/reset/",
        "duties/roster/calendar/<str:token>/roster.ics",
        "healthz",
        "lectures/calendar/<str:token>.ics",
        "lectures/certificates/verify/",
    ]


@pytest.mark.engine_agnostic
def test_every_page_in_english_has_no_chinese_but_the_data(world):
    personas, _ = persona_map(world)
    assert urlwalk.english_problems(personas, login) == []


def test_the_english_walk_tells_data_from_words():
    data = "区教育局\n张三"
    assert urlwalk.chinese_in_english("<p>Unit 区教育局 of 张三</p>", data) == []
    assert urlwalk.chinese_in_english("<button>登记换届</button> Cancel", data) == ["登记换届"]
    assert urlwalk.chinese_in_english("<script>const a = '中文提示';</script><p>OK</p>", data) == []
    # Data joined by full-width punctuation is still data; a word of the code beside it is not.
    assert urlwalk.chinese_in_english("<p>区教育局；张三（参加）</p>", data) == ["参加"]
