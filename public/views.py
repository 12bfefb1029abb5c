"""The public page (公开, anonymous), the office's choice of what it shows, and the 使用说明 for each role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tasks.plan_choice import plan_for, plan_posted
from units.models import User

from .forms import PublicationForm
from .models import Publication
from .selectors import CACHE_SECONDS, public_cache_key, public_page_data, publications_listed
from .services import publication_update


def _public_page(request: HttpRequest, publication: Publication, listed: list[Publication]) -> HttpResponse:
    key = public_cache_key(publication=publication, language=get_language())
    content = cache.get(key)
    if content is None:
        content = render_to_string("public/_plan.html", public_page_data(publication=publication))
        cache.set(key, content, CACHE_SECONDS)
    return render(
        request,
        "public/page.html",
        {
            "content": mark_safe(content),  # noqa: S308 - rendered above by the template engine, which escaped it
            "plan": publication.plan,
            "listed": listed,
        },
    )


@login_not_required
@require_safe
def public_index(request: HttpRequest) -> HttpResponse:
    """/public/: the first published plan (open plans first, newest first), with links to the others."""
    listed = publications_listed()
    if not listed:
        return render(request, "public/page.html", {"listed": []})
    return _public_page(request, listed[0], listed)


@login_not_required
@require_safe
def public_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """/public/<plan>/: a published plan's page; any other plan is not found."""
    listed = publications_listed()
    publication = next((p for p in listed if p.plan_id == plan_id), None)
    if publication is None:
        raise Http404(_("该方案未公开"))
    return _public_page(request, publication, listed)


def publication_edit(request: HttpRequest) -> HttpResponse:
    """公开设置: the office chooses, for the plan shown, what the public page shows."""
    if request.user.role != User.Role.OFFICE:
        raise PermissionDenied(_("只有领导小组办公室可以设置公开内容"))
    plan = plan_posted(request) if request.method == "POST" else plan_for(request)
    publication = Publication.objects.filter(plan=plan).select_related("updated_by").first()
    form = PublicationForm(request.POST or None, plan=plan, publication=publication)
    if request.method == "POST" and form.is_valid():
        try:
            publication_update(
                user=request.user,
                plan=plan,
                published=form.cleaned_data["published"],
                indicators=form.cleaned_data["indicators"],
                through=form.cleaned_data["through"],
                show_units=form.cleaned_data["show_units"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("公开设置已保存，公开页面随即更新"))
            return redirect(f"{reverse('public:publication')}?plan={plan.pk}")
    chosen = form.chosen_ids()
    groups: dict[str, list] = {}
    for indicator in form.fields["indicators"].queryset.select_related("area"):
        title = (
            f"{indicator.area.number}. {indicator.area.headline}" if indicator.area else _("主要工作中的指标")
        )
        groups.setdefault(title, []).append((indicator, str(indicator.pk) in chosen))
    return render(
        request,
        "public/publication.html",
        {"plan": plan, "form": form, "publication": publication, "groups": groups.items()},
    )


# The 使用说明 pages, one per role, in the order the header's roles are listed.
HELP_ROLES = [(value, label) for value, label in User.Role.choices]


def help_page(request: HttpRequest) -> HttpResponse:
    """使用说明: the signed-in user's role's page, or another role's (?role=office); every role reads every page."""
    roles = dict(HELP_ROLES)
    role = request.GET.get("role", "")
    if role not in roles:
        role = request.user.role if request.user.role in roles else User.Role.REPORTER
    return render(
        request,
        "help/help.html",
        {"role": role, "role_label": roles[role], "roles": HELP_ROLES, "own_role": request.user.role},
    )
