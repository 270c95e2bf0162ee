from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/revoke/", views.token_revoke, name="token-revoke"),
    path("otp/", views.otp_view, name="otp"),
    path("password/", views.password_change, name="password-change"),
    # System administrator: accounts.
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user-deactivate"),
    path("users/<int:pk>/reset-password/", views.UserResetRequestView.as_view(), name="user-reset-password"),
    path("users/<int:pk>/reset-otp/", views.UserOtpResetRequestView.as_view(), name="user-reset-otp"),
    # Resets: asked by the system administrator, handed over by another administrator, redeemed by the holder.
    path("resets/", views.CredentialResetListView.as_view(), name="reset-list"),
    path("resets/<int:pk>/issue/", views.CredentialResetIssueView.as_view(), name="reset-issue"),
    path("resets/<int:pk>/cancel/", views.CredentialResetCancelView.as_view(), name="reset-cancel"),
    path("reset/", views.reset_redeem, name="reset-redeem"),
    # Security administrator: roles and the password policy.
    path("roles/", views.RoleListView.as_view(), name="role-list"),
    path("roles/grant/", views.role_grant, name="role-grant"),
    path("roles/<int:pk>/revoke/", views.RoleRevokeView.as_view(), name="role-revoke"),
    path("password-policy/", views.password_policy, name="password-policy"),
]
