"""What the endpoints of /api/v1/ share in their schema: the query parameters and the error answers.

A program signs in with its token, not on the portal's sign-in page: DRF exempts its views from LoginRequiredMiddleware
(rest_framework.views.APIView.as_view), and the default permission (api.permissions.OpensLikeThePages) answers an
anonymous request 401 instead."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

PLAN = OpenApiParameter(
    "plan",
    OpenApiTypes.INT,
    description=_(
        "工作方案编号（plans 中的 id）；不填则为账号默认的方案（与平台页面相同：本单位最近要报送的、正在执行的方案）"
    ),
)
QUARTER = OpenApiParameter("quarter", OpenApiTypes.STR, description=_("季度编号，如 2025Q2"))
UNIT = OpenApiParameter("unit", OpenApiTypes.STR, description=_("报送单位代码，如 jingyang"))
STATUS = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    enum=["draft", "pending", "submitted", "returned", "approved"],
    description=_("状态：draft 草稿，pending 待单位审核，submitted 已提交，returned 已退回，approved 已审核"),
)
UPDATED_AFTER = OpenApiParameter(
    "updated_after",
    OpenApiTypes.DATETIME,
    description=_("只列出此时间之后修改过的，如 2025-07-01T08:00:00+08:00（增量同步）"),
)

_DETAIL = inline_serializer("Refusal", fields={"detail": serializers.CharField()})
REFUSALS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=_(
            "内容有误：按字段列出原因（与填报表的提示相同），non_field_errors 为整项的原因；什么也不保存"
        ),
    ),
    401: OpenApiResponse(_DETAIL, description=_("未登录，或令牌无效、已撤销、已过期")),
    403: OpenApiResponse(_DETAIL, description=_("无权操作（如：只能填报本单位的数据；三员分立）")),
    404: OpenApiResponse(_DETAIL, description=_("不存在，或不在本账号可见范围内")),
    409: OpenApiResponse(
        _DETAIL, description=_("他人已在您读取之后修改了此项：重新读取，核对后再写；什么也不保存")
    ),
    429: OpenApiResponse(_DETAIL, description=_("请求过于频繁：按 Retry-After 头所示的秒数后再试")),
}
READ_REFUSALS = {code: REFUSALS[code] for code in (400, 401, 403, 404, 429)}
