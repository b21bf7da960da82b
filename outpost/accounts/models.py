"""Users and their role assignments (角色与辖区) in either hierarchy."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.accounts.roles import Role, ScopeKind


class User(AbstractUser):
    """A person who signs in: officer, grid worker, commander, handler or administrator."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username


class Department(models.Model):
    """A functional department of a district (职能部门: 民政, 城管, 市场监管…) that handles
    cases dispatched to it."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    district_code = models.CharField(_("district code"), max_length=12)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A role held over one area. The prefixes are worked out once when it is granted, so the
    scope of a request is a single indexed read."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope_kind = models.CharField(_("scope kind"), max_length=16, choices=ScopeKind.choices)
    scope_code = models.CharField(_("scope code"), max_length=15)
    scope_name = models.CharField(_("scope name"), max_length=64)
    civil_prefix = models.CharField(_("civil prefix"), max_length=15, blank=True)
    police_prefix = models.CharField(_("police prefix"), max_length=12, blank=True)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_code"], name="accounts_assignment_unique"
            )
        ]
        indexes = [models.Index(fields=["role", "scope_code"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_name}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its keyed hash is stored; the token is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} token"
