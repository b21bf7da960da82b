"""网格学院 (training): courses of lessons and a short quiz, and each worker's progress.

A `Lesson` is either a knowledge-base article (its published text is shown when read, so a
revised article teaches its new text) or a case example: an anonymised copy of a closed case,
made once when an editor chose it (`outpost.academy.anonymise`), with no link back to the case.
A course is completed when every lesson is read and the quiz passed (`Completion`, dated).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LessonKind(models.TextChoices):
    ARTICLE = "article", _("Knowledge-base article")
    CASE = "case", _("Case example")


class Course(models.Model):
    """A course, shown to the roles it is assigned to (a comma-separated list of role codes)."""

    title = models.CharField(_("title"), max_length=100)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    roles = models.CharField(_("assigned to roles"), max_length=200, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    active = models.BooleanField(_("open to learners"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=LessonKind.choices)
    title = models.CharField(_("title"), max_length=100)
    article = models.ForeignKey(
        "knowledge.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A case example's anonymised copy: what happened, where (road or community) and the outcome.
    category = models.CharField(_("category"), max_length=64, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A multiple-choice question; `answer` is the index of the right choice (never sent to a
    page before the learner submits)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"), default=list)
    answer = models.PositiveSmallIntegerField(_("right choice"))
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["course", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class LessonRead(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="academy_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.lesson_id}"


class Attempt(models.Model):
    """One submission of a course's quiz: the choices made, the score (percent) and whether it
    reached the pass mark."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["course", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_id} · {self.score}"


class Completion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="academy_complete_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_id}"
