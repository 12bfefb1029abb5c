"""Binds the request being served to the audit log (units.audit) and records what no single view should have to:
every refused request and every file downloaded or exported."""

from django.http import HttpRequest, HttpResponse

from .audit import audit, request_bind, request_unbind
from .models import AuditEvent

REFUSED = {403: "拒绝访问（403）", 404: "对象不存在或无权访问（404）"}


class AuditMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_bind(request)
        try:
            response = self.get_response(request)
            signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
            if signed_in and response.status_code in REFUSED:
                audit(action="denied", result=AuditEvent.Result.DENIED, detail=REFUSED[response.status_code])
            elif signed_in and "attachment" in response.get("Content-Disposition", ""):
                audit(action="download", detail=response["Content-Disposition"][:300])
            return response
        finally:
            request_unbind(token)
