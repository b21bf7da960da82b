"""Users and their role assignments (角色与辖区) in either hierarchy."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from outpost.accounts.roles import Role, ScopeKind
from outpost.core.scoping import Scope, prefix_q


class User(AbstractUser):
    """A person who signs in: officer, grid worker, commander, handler or administrator."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    class Meta(AbstractUser.Meta):
        # The stub types AbstractUser.Meta's names as str; Django's own are lazy translations too.
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
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


class BreakGlassGrant(models.Model):
    """An officer's emergency opening (紧急查看) of one record outside their area, with the
    reason they stated. It lasts OUTPOST_BREAK_GLASS_HOURS; `scope_for` adds the record to the
    officer's scope while it does. Auditors over the record's area or over the officer's own
    area review it afterwards."""

    user = models.ForeignKey(
        User, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("record type"), max_length=32)  # a model label
    object_id = models.BigIntegerField(_("record id"))
    object_key = models.CharField(_("record number"), max_length=64)
    reason = models.CharField(_("reason"), max_length=200)
    # The record's area, and the officer's own police area: whose auditors review the grant.
    civil_code = models.CharField(_("civil area code"), max_length=15, blank=True)
    police_code = models.CharField(_("police area code"), max_length=12, blank=True)
    home_code = models.CharField(_("officer's area code"), max_length=12, blank=True)
    granted_at = models.DateTimeField(_("granted at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    reviewed_by = models.ForeignKey(
        User,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.object_key}"

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return (
            prefix_q("civil_code", scope.civil)
            | prefix_q("police_code", scope.police)
            | prefix_q("home_code", scope.police)
        )


class TotpDevice(models.Model):
    """A user's authenticator app (RFC 6238 TOTP). The secret is stored encrypted; the last
    accepted time step is kept so a code cannot be used twice."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp"
    )
    secret_enc = models.CharField(_("secret (encrypted)"), max_length=200)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last time step used"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"{self.user} TOTP"


class LoginThrottle(models.Model):
    """Failed sign-ins counted for one account name or one address. Each attempt is counted
    before the password is checked (and forgiven if it was right), so a burst of parallel
    guesses cannot outrun the count. Past the limit the key is locked, longer each time."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(default=0)  # locks in a row: the next one doubles

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
