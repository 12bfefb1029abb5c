"""Settings of the REST API (api/): Django REST framework and drf-spectacular. Read by base.py."""

# The REST API (api/, issue 19). Each view names its own permissions and scoping; these are the defaults.
# Sign-in: the user's token (api.authentication, made on the 接口令牌 page) or the portal's session (its writes need the
# CSRF token). Never HTTP Basic: a password sent by a program would skip the second factor and the sign-in lockout.
# Every endpoint refuses the 三员 roles as the pages do (api.permissions.OpensLikeThePages).
# Throttling counts in the default cache (per process unless CACHES names a shared one): 120 requests a minute per
# user (a province's quarter of figures is ~50 pages of 500); anonymous requests are refused (401) before any
# throttle is counted, so the anonymous rate only guards an endpoint opened to them later.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.OpensLikeThePages"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "20/minute", "user": "120/minute"},
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "知识产权强市建设工作平台 API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "读取工作方案（目标领域、指标、任务、单位）、各季度指标进展、指标数据和任务进展报告；"
        "为本单位保存和提交指标数据、任务进展报告（与填报表相同的校验、流程和审计日志）。"
        "数据范围与平台页面相同：填报员只看到本单位的数据，领导小组办公室和领导看到全部，"
        "系统管理员和安全审计员不处理填报数据（三员分立），接口一律拒绝。\n\n"
        "**认证**：在平台“修改密码”页进入“接口令牌”，创建令牌（只显示一次，请立即保存），"
        "请求时加请求头 `Authorization: Token <令牌>`（或 `Bearer <令牌>`）；在本页点击 Authorize 填入令牌，"
        "或直接使用当前登录状态试用（写入时自动带上 CSRF 令牌）。令牌一年后到期，可随时撤销；账号停用后令牌随之失效。\n\n"
        "**写入**：带上读取时的 `version`（新建填 0）；他人已修改则返回 409，什么也不保存。"
        '办公室为其他单位填报（代填）须填写 `proxy_reason`。数字请写成字符串，如 `"3.25"`。\n\n'
        "**分页与限流**：列表按页返回（`page`，`page_size` 最多 500，默认 100）；每个账号每分钟最多 120 次请求，"
        "超过返回 429。`?plan=` 选择工作方案，不填为账号默认的方案（与平台页面相同）。"
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "reports.models.Status",
        "PlanStatusEnum": "targets.models.WorkPlan.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",  # served from static files: the users' network may have no internet
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True, "defaultModelsExpandDepth": 0},
    "REDOC_DIST": "SIDECAR",
}
