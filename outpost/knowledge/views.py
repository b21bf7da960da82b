"""The knowledge base pages under /knowledge/ (namespace "knowledge").

Public, no account: the published articles and their search, an article, the handbook PDF.
Staff: the desk (their versions, and those waiting for their review), writing a new article or
a new version of a published one, a version (edited while a draft), submitting it, reviewing
it (approve or send back with a reason)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.signed_in import SignedInRequest
from outpost.core.forms import show_refusal
from outpost.knowledge import handbook as handbook_pdf
from outpost.knowledge import queries, services
from outpost.knowledge.forms import ArticleForm, ReviewForm, SearchForm
from outpost.knowledge.models import ArticleVersion, Kind
from outpost.knowledge.text import blocks

# --- public -------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = queries.search_published(query) if query else []
    groups = [] if query else queries.published_by_kind()
    context = {"form": form, "query": query, "found": found, "groups": groups}
    return render(request, "knowledge/index.html", context)


@require_GET
def article(request: HttpRequest, pk: int) -> HttpResponse:
    shown = queries.get_published(pk)
    context = {"version": shown, "blocks": blocks(shown.body), "kind": Kind(shown.kind).label}
    return render(request, "knowledge/article.html", context)


@require_GET
def handbook(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(handbook_pdf.cached_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="handbook.pdf"'
    return response


# --- staff --------------------------------------------------------------------------------------


def _writer(request: SignedInRequest) -> None:
    if not queries.writes_articles(request.user):
        raise PermissionDenied


@login_required
@require_GET
def desk(request: SignedInRequest) -> HttpResponse:
    _writer(request)
    context = queries.desk_rows(request.user) | {"reviewer": queries.reviews_articles(request.user)}
    return render(request, "knowledge/desk.html", context)


def _text(form: ArticleForm) -> services.Text:
    return services.Text(**{k: form.cleaned_data[k] for k in ("kind", "title", "body", "tags")})


@login_required
def write(request: SignedInRequest) -> HttpResponse:
    _writer(request)
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.write_article(_text(form), actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:version", pk=saved.pk)
    return render(request, "knowledge/write.html", {"form": form, "article": None})


@login_required
def revise(request: SignedInRequest, pk: int) -> HttpResponse:
    """A new version of a published article, starting from its published text."""
    _writer(request)
    found = queries.get_article(pk)
    current = found.published
    initial = {k: getattr(current, k) for k in ("kind", "title", "body", "tags")}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.revise_article(found, _text(form), actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:version", pk=saved.pk)
    return render(request, "knowledge/write.html", {"form": form, "article": current})


@login_required
def version(request: SignedInRequest, pk: int) -> HttpResponse:
    """A version: read by its author and reviewers; changed by them while it is a draft."""
    posting = request.method == "POST"
    found = queries.get_version(request.user, pk, "edit" if posting else "view")
    initial = {k: getattr(found, k) for k in ("kind", "title", "body", "tags")}
    form = ArticleForm(request.POST if posting else None, initial=initial)
    if posting and form.is_valid():
        try:
            services.edit_version(found, _text(form), actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:version", pk=found.pk)
    return _version_page(request, found, form, ReviewForm())


def _version_page(
    request: SignedInRequest, found: ArticleVersion, form: ArticleForm, review: ReviewForm
) -> HttpResponse:
    user = request.user
    context = {
        "version": found,
        "blocks": blocks(found.body),
        "form": form,
        "review_form": review,
        "editable": queries.may_edit(found)
        and (found.author_id == user.pk or queries.reviews_articles(user)),
        "reviews": found.status == "review" and queries.may_review(user, found),
    }
    return render(request, "knowledge/version.html", context)


@login_required
@require_POST
def submit(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.get_version(request.user, pk, "edit")
    try:
        services.submit_version(found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Submitted for review."))
    return redirect("knowledge:version", pk=found.pk)


@login_required
@require_POST
def review(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.get_version(request.user, pk, "review")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.approve_version(found, actor=request.user)
                messages.success(request, _("Published."))
            else:
                services.send_back(found, form.cleaned_data["reason"], actor=request.user)
                messages.success(request, _("Sent back to the author."))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("knowledge:version", pk=found.pk)
    blank = ArticleForm(initial={k: getattr(found, k) for k in ("kind", "title", "body", "tags")})
    return _version_page(request, found, blank, form)
