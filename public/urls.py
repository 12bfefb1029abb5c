"""The public page (anonymous: /public/), the office's 公开设置, and the 使用说明 (signed in: /help/)."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("public/", views.public_index, name="index"),
    path("public/<int:plan_id>/", views.public_plan, name="plan"),
    path("publication/", views.publication_edit, name="publication"),
    # One page whose role is a query (?role=office), so every role's 使用说明 is one page name to allow.
    path("help/", views.help_page, name="help"),
]
