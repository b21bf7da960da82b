"""Instruction screens: the inbox (received, and the rooms' sent list), sending, one instruction
with its progress, and a recipient's sign-on and report-back."""

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.models import User
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.files import file_response
from outpost.core.forms import show_refusal
from outpost.instructions import queries, services
from outpost.instructions.forms import FeedbackForm, InstructionForm
from outpost.instructions.models import FeedbackPhoto, Instruction, InstructionRecipient
from outpost.instructions.units import acting_q

PAGE = 30
CONFLICT = gettext_lazy("Someone of your unit has already done this. The page shows it now.")


def _tab(request: SignedInRequest) -> tuple[str, Any]:
    """ "received" (to the user's units or to them) or "rooms" (from the rooms they oversee);
    a sender who receives nothing starts on the rooms' list. `open=1` keeps the ones still
    waiting: received and not yet done, or sent and not yet signed on by everyone."""
    user, asked = request.user, request.GET.get("tab")
    waiting = request.GET.get("open") == "1"
    received = queries.to_answer(user) if waiting else queries.received(user)
    rooms_first = asked == "rooms" or (asked is None and not received.exists())
    if rooms_first and queries.overseen_rooms(user).exists():
        return "rooms", queries.not_signed_on(user) if waiting else queries.from_rooms(user)
    return "received", received


@login_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    if not queries.uses_instructions(request.user):
        raise PermissionDenied  # the same rule as the header's item: nothing to receive or follow
    key, found = _tab(request)
    page = Paginator(found.order_by("-sent_at", "-id"), PAGE).get_page(request.GET.get("page"))
    context = {
        "tab": key,
        "page": page,
        "extra": f"tab={key}&" + ("open=1&" if request.GET.get("open") == "1" else ""),
        "now": timezone.now(),
        "can_send": queries.sender_rooms(request.user).exists(),
    }
    if key == "received":
        context["cards"] = _cards(request.user, list(page))
    else:
        counts = queries.counts_by_instruction(list(page))
        context["sent_rows"] = [(i, counts.get(i.pk, {})) for i in page]
    return render(request, "instructions/inbox.html", context)


def _cards(user: User, instructions: list[Instruction]) -> list[dict[str, Any]]:
    """Each received instruction with the rows the user acts for and a report form for each."""
    rows = InstructionRecipient.objects.filter(acting_q(user), instruction__in=instructions)
    by_instruction: dict[int, list[Any]] = defaultdict(list)
    for row in rows.order_by("unit_kind", "unit_code", "id"):
        by_instruction[row.instruction_id].append((row, feedback_form(row)))
    return [{"instruction": i, "acting": by_instruction[i.pk]} for i in instructions]


@login_required
def new(request: SignedInRequest) -> HttpResponse:
    if not queries.sender_rooms(request.user).exists():
        raise PermissionDenied
    form = InstructionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            instruction = services.send_instruction(
                form.cleaned_data["room"], _new(form), actor=request.user
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Instruction sent."))
            return redirect("instructions:detail", pk=instruction.pk)
    return render(request, "instructions/new.html", {"form": form})


def feedback_form(
    row: InstructionRecipient, data: QueryDict | None = None, files: MultiValueDict | None = None
) -> FeedbackForm:
    """One report form per row on a page, each with its own element ids (feedback-<row>-text)."""
    return FeedbackForm(data, files, auto_id=f"feedback-{row.pk}-%s")


def _new(form: InstructionForm) -> services.NewInstruction:
    data = form.cleaned_data
    return services.NewInstruction(
        title=data["title"],
        body=data["body"],
        deadline=data["deadline"],
        priority=data["priority"],
        targets=form.targets(),
    )


@login_required
@require_GET
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    instruction = queries.get_instruction(request.user, pk)
    services.mark_read(instruction, actor=request.user)
    return _render_detail(request, instruction)


def _render_detail(
    request: SignedInRequest, instruction: Instruction, bound: dict[int, FeedbackForm] | None = None
) -> HttpResponse:
    user, now = request.user, timezone.now()
    rows = list(queries.rows_seen(user, instruction))
    acting = {r.pk for r in queries.acting_rows(user, instruction)}
    context = {
        "instruction": instruction,
        "oversees": queries.oversees(user, instruction),
        "rows": [(r, queries.is_overdue(instruction, r, now)) for r in rows],
        "summary": queries.summary(instruction, rows, now),
        "acting": [
            (r, (bound or {}).get(r.pk) or feedback_form(r)) for r in rows if r.pk in acting
        ],
        "overdue": now > instruction.deadline,
        "groups": instruction.groups.all(),
    }
    return render(request, "instructions/detail.html", context)


def _row(request: SignedInRequest, pk: int, rid: int) -> tuple[Instruction, InstructionRecipient]:
    instruction = queries.get_instruction(request.user, pk)
    return instruction, queries.get_row(request.user, instruction, rid)


@login_required
@require_POST
def sign_on(request: SignedInRequest, pk: int, rid: int) -> HttpResponse:
    instruction, row = _row(request, pk, rid)
    try:
        services.sign_on(row, actor=request.user)
    except services.InstructionConflict:
        messages.error(request, CONFLICT)
    else:
        messages.success(request, _("Signed on: %(unit)s") % {"unit": row.unit_name})
    return _back(request, instruction)


@login_required
@require_POST
def feedback(request: SignedInRequest, pk: int, rid: int) -> HttpResponse:
    instruction, row = _row(request, pk, rid)
    if not queries.acts_for(request.user, row):
        raise PermissionDenied
    form = feedback_form(row, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_back(
                row,
                actor=request.user,
                text=form.cleaned_data["text"],
                done=form.cleaned_data["done"],
                files=form.cleaned_data["photos"],
            )
        except services.InstructionConflict:
            messages.error(request, CONFLICT)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # about the row's state, not a field
                messages.error(request, " ".join(error.messages))
                return _back(request, instruction)
            show_refusal(form, error)
            return _render_detail(request, instruction, {row.pk: form})
        else:
            messages.success(request, _("Report sent: %(unit)s") % {"unit": row.unit_name})
            return _back(request, instruction)
    return _render_detail(request, instruction, {row.pk: form})


def _back(request: HttpRequest, instruction: Instruction) -> HttpResponse:
    """To the page the form was on (the inbox or the instruction), never to another site."""
    target = request.POST.get("next", "")
    # A path of this site only: anything else would be taken for a view's name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("instructions:detail", pk=instruction.pk)


@login_required
@require_GET
def photo(request: SignedInRequest, pk: int, photo: int) -> FileResponse:
    """A feedback photo, for those who see the row it was reported on."""
    instruction = queries.get_instruction(request.user, pk)
    rows = queries.rows_seen(request.user, instruction).values("pk")
    found = FeedbackPhoto.objects.filter(pk=photo, feedback__recipient__in=rows).first()
    if found is None:
        raise Http404
    return file_response(found)
