"""The knowledge base (知识库): articles of four kinds, written by staff and published after a
review by someone else who edits over the whole district.

An `Article` is the lasting thing residents link to; its text lives in `ArticleVersion`s. A
published article edited becomes a new draft version; the published one stays visible until the
new one is approved, when it is marked superseded. Search terms (character bigrams, see
`outpost.core.bigrams`) index the published version of each article.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    POLICY = "policy", _("Policies and regulations")
    FUNCTIONS = "functions", _("Unit functions")
    PROCEDURE = "procedure", _("Procedures")
    PERMITS = "permits", _("Certificate notes")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Sent back")
    SUPERSEDED = "superseded", _("Superseded")


OPEN_STATUSES = (Status.DRAFT, Status.REVIEW, Status.RETURNED)
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class Article(models.Model):
    """One article; `published` is the version residents read (none until first approved)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    published = models.OneToOneField(
        "ArticleVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code


class ArticleVersion(models.Model):
    """One version of an article's text, with its place in the review."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("text"), help_text=_("Plain text: a blank line between paragraphs, ## for a heading")
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def tag_list(self) -> list[str]:
        return [t for t in self.tags.replace("，", ",").split(",") if t.strip()]


class ArticleTerm(models.Model):
    """One search term of an article's published version, with its field's weight."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=20)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="knowledge_term_once")
        ]
        indexes = [models.Index(fields=["term"])]

    def __str__(self) -> str:
        return f"{self.term} ×{self.weight}"
