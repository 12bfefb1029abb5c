"""接口令牌: a user's own access tokens for the API, created (the token shown once, on the answer to the creation) and
revoked on a page of the portal, linked from 修改密码. The 三员 roles do not reach it (DutySeparationMiddleware)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..forms import TokenForm
from ..selectors import api_tokens_listed, api_tokens_of
from ..services import TOKEN_LIFETIME, api_token_create, api_token_revoke


@never_cache  # the answer to a creation holds the token: no cache keeps it
def tokens(request: HttpRequest) -> HttpResponse:
    form, created = TokenForm(), None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            return _revoke(request)
        if action != "create":
            messages.error(request, _("未知操作"))
            return redirect("api:tokens")
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                created, form = {"token": token, "key": key}, TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "rows": api_tokens_listed(user=request.user),
            "lifetime_days": TOKEN_LIFETIME.days,
        },
    )


def _revoke(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("token", "")
    token = get_object_or_404(api_tokens_of(user=request.user), pk=int(chosen) if _is_id(chosen) else 0)
    if api_token_revoke(user=request.user, token=token):
        messages.success(
            request, _("已撤销“%(name)s”：使用它的系统从现在起将被拒绝。") % {"name": token.name}
        )
    return redirect("api:tokens")


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 19
