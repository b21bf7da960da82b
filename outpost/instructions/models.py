"""Instructions (指令) from a command room, virtual groups (虚拟网格) across places by trade,
notices (通知) broadcast to a group, and key work items (重点工作推进) with milestones.

Every recipient row names a unit (kind + code, like a case assignment) or a user, so the same
prefix rules that scope cases decide who sees and who acts for it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outpost.core.models import StoredFile, Urgency
from outpost.core.scoping import Scope, prefix_q


def room_q(scope: Scope, path: str = "room__") -> models.Q:
    """The command rooms an area covers directly: the station under a police prefix or the
    street under a civil prefix (not the rooms a grid merely overlaps)."""
    if scope.everything:
        return models.Q()
    return prefix_q(f"{path}station__code", scope.police) | prefix_q(
        f"{path}station__street__code", scope.civil
    )


def units_in_area_q(scope: Scope) -> models.Q:
    """Recipient rows whose unit lies in the area (grids, outposts, beats, departments)."""
    if scope.everything:
        return models.Q(unit_code__gt="")
    area = prefix_q("unit_code", (*scope.civil, *scope.police))
    if scope.departments:
        area |= models.Q(unit_kind="department", unit_code__in=scope.departments)
    return area


class VirtualGroup(models.Model):
    """A virtual group (虚拟网格): the organisations of some trades (旅馆业, 寄递物流…) in an
    area, taken from the registry; the grids they lie in receive what is broadcast to it."""

    name = models.CharField(_("name"), max_length=64)
    unit_types = models.JSONField(_("trades"), default=list)
    area_code = models.CharField(_("area code"), max_length=12)
    area_name = models.CharField(_("area"), max_length=64)
    area_prefix = models.CharField(_("area prefix"), max_length=12, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    rebuilt_at = models.DateTimeField(_("members recomputed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("virtual group")
        verbose_name_plural = _("virtual groups")
        ordering = ["area_prefix", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """Groups whose whole area lies in the caller's civil area."""
        return prefix_q("area_prefix", scope.civil)


class GroupMember(models.Model):
    """An organisation in a virtual group, with the grid it lay in when the group was rebuilt."""

    group = models.ForeignKey(VirtualGroup, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    unit_type = models.CharField(_("trade"), max_length=32)
    grid_code = models.CharField(_("grid code"), max_length=15, db_index=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["grid_code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organisation"], name="instructions_member_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Instruction(models.Model):
    """An instruction (指令) from a command room with a deadline; each recipient signs on (签收)
    and reports back (反馈) on its own row."""

    room = models.ForeignKey(
        "geo.CommandRoom",
        verbose_name=_("command room"),
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    deadline = models.DateTimeField(_("deadline"))
    groups = models.ManyToManyField(
        VirtualGroup, verbose_name=_("virtual groups"), blank=True, related_name="instructions"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """Instructions from a room the area covers, and those to a unit in the area."""
        to_area = InstructionRecipient.objects.filter(units_in_area_q(scope))
        return room_q(scope) | models.Q(pk__in=to_area.values("instruction_id"))


class RecipientState(models.TextChoices):
    SENT = "sent", pgettext_lazy("instruction state", "Sent")
    SIGNED_ON = "signed_on", pgettext_lazy("instruction state", "Signed on")
    REPORTED = "reported", pgettext_lazy("instruction state", "Progress reported")
    DONE = "done", pgettext_lazy("instruction state", "Done")


class RecipientKind(models.TextChoices):
    OUTPOST = "outpost", _("Outpost station")
    GRID = "grid", _("Grid")
    BEAT = "beat", _("Police beat")
    DEPARTMENT = "department", _("Department")
    USER = "user", _("Person")


class InstructionRecipient(models.Model):
    """One recipient of an instruction: sent → signed on → progress reported → done."""

    instruction = models.ForeignKey(
        Instruction, on_delete=models.CASCADE, related_name="recipients"
    )
    unit_kind = models.CharField(_("kind"), max_length=16, choices=RecipientKind.choices)
    unit_code = models.CharField(_("unit code"), max_length=16, blank=True, db_index=True)
    unit_name = models.CharField(_("recipient"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions_received",
    )
    via_group = models.ForeignKey(
        VirtualGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RecipientState.choices, default=RecipientState.SENT
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_on_at = models.DateTimeField(_("signed on at"), null=True, blank=True)
    signed_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("last reported at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("instruction recipient")
        verbose_name_plural = _("instruction recipients")
        ordering = ["instruction", "unit_kind", "unit_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "unit_kind", "unit_code"],
                condition=models.Q(user__isnull=True),
                name="instructions_unit_once",
            ),
            models.UniqueConstraint(
                fields=["instruction", "user"],
                condition=models.Q(user__isnull=False),
                name="instructions_user_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instruction_id}→{self.unit_name}"

    @property
    def key(self) -> str:
        """A stable handle for pages and tests: "grid:320106001003001" or "user:worker"."""
        if self.unit_kind == RecipientKind.USER:
            return f"user:{self.user.username if self.user else ''}"
        return f"{self.unit_kind}:{self.unit_code}"


class Feedback(models.Model):
    """A report back (反馈) from a recipient: progress, or the final one that marks it done."""

    recipient = models.ForeignKey(
        InstructionRecipient, on_delete=models.CASCADE, related_name="feedback"
    )
    text = models.TextField(_("text"))
    final = models.BooleanField(_("done"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.at:%Y-%m-%d %H:%M}"


class FeedbackPhoto(StoredFile):
    """A photo or PDF with a feedback: checked by content, without EXIF, kept by SHA-256."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="instructions/", max_length=200)

    class Meta:
        verbose_name = _("feedback photo")
        verbose_name_plural = _("feedback photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """A notice (通知) broadcast to a virtual group; each grid of the group confirms reading."""

    group = models.ForeignKey(
        VirtualGroup,
        verbose_name=_("virtual group"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        """Notices of a group in the area, and those received by a grid in the area."""
        to_area = NoticeReceipt.objects.filter(units_in_area_q(scope))
        in_group = prefix_q("group__area_prefix", scope.civil)
        return in_group | models.Q(pk__in=to_area.values("notice_id"))


class NoticeReceipt(models.Model):
    """Whether one receiving unit has read a notice (已读回执), when and who."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    unit_kind = models.CharField(_("kind"), max_length=16, default=RecipientKind.GRID)
    unit_code = models.CharField(_("unit code"), max_length=16, db_index=True)
    unit_name = models.CharField(_("recipient"), max_length=64)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["unit_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "unit_code"], name="instructions_receipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}→{self.unit_code}"


class WorkItem(models.Model):
    """A key work item (重点工作) a command room pushes forward, measured by its milestones."""

    room = models.ForeignKey(
        "geo.CommandRoom",
        verbose_name=_("command room"),
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.CharField(_("lead unit"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("key work item")
        verbose_name_plural = _("key work items")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return room_q(scope)

    @property
    def percent(self) -> int:
        """Done milestones as a whole percentage of all (0 with none)."""
        milestones = list(self.milestones.all())
        done = sum(1 for m in milestones if m.done_at)
        return round(100 * done / len(milestones)) if milestones else 0


class Milestone(models.Model):
    """A step of a work item with its due date; done once, by whom and when."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=100)
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title
