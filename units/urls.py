from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("second-factor/", views.second_factor_verify, name="second_factor_verify"),
    path("second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/requests/", views.privilege_requests, name="privilege_requests"),
    path("accounts/requests/<int:pk>/decide/", views.privilege_decide, name="privilege_decide"),
]
