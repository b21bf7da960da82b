"""The call model in use, and retraining: a candidate trained on the sample, the descriptions and
the operators' corrections and confirmations is adopted only if it diverts no police call and
scores no worse.

The model in use is the adopted `CallModel` with the highest version. With none stored (a new
database), the default model is trained from the shipped files at first use and stored as
version 1, adopted; training is deterministic, so every database starts with the same model.

Scores: on the sample by resubstitution (the sample is training data, so this checks that the
model reproduces it, above all that it diverts none of its police calls), and on the unseen set
(`UNSEEN`, or the path given) when that file exists; it is never trained on. A candidate is
compared with the model in use on the same sets, scored again now: the right-sub-type share on
the unseen set, or on the sample when there is no unseen set.
"""

import logging
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.calls.model import Classifier, Example
from outpost.calls.models import CallModel, Correction
from outpost.calls.training import SAMPLE as SAMPLE_FILE
from outpost.calls.training import (
    UNSEEN,
    Scores,
    default_classifier,
    default_examples,
    read_rows,
    score_model,
)
from outpost.core.audit import record_change
from outpost.core.i18n import render_event

log = logging.getLogger("outpost.calls")
VERDICTS = {
    "first": _("The default model, from the sample, the descriptions and the reviewed calls"),
    "refused_police": _("Refused: it diverts %(n)s police calls"),
    "refused_worse": _(
        "Refused: right sub-type %(new)s on the %(basis)s set, the model in use has %(old)s"
    ),
    "adopted": _(
        "Adopted: right sub-type %(new)s on the %(basis)s set (the model in use had %(old)s)"
    ),
}
# The set a verdict was decided on, as a verdict names it ("on the unseen calls set").
BASES = {"unseen": _("unseen calls"), "sample": _("sample")}
# Loaded models by (version, trained_at): a version number alone may be stored again after a
# rollback (in tests), with another model.
_LOADED: dict[tuple[int, Any], Classifier] = {}


def model_in_use() -> CallModel | None:
    """The adopted model with the highest version as stored, or None before the first call
    (read only: showing the desk trains nothing)."""
    return CallModel.objects.filter(adopted=True).defer("blob").first()


def recent_models(n: int = 5) -> list[CallModel]:
    """The latest trained models, adopted or refused, newest first (their blobs not read): what
    the scheduled retraining made of the operators' corrections."""
    return list(CallModel.objects.defer("blob").order_by("-version")[:n])


def current_model() -> CallModel:
    """The model in use; the default one trained and stored when there is none yet."""
    found = model_in_use()
    return found if found is not None else _store_default()


def current_classifier() -> tuple[Classifier, int]:
    """The model in use, loaded once per version and process, with its version."""
    record = current_model()
    key = (record.version, record.trained_at)
    if key not in _LOADED:
        blob = CallModel.objects.values_list("blob", flat=True).get(pk=record.pk)
        _LOADED[key] = Classifier.from_bytes(bytes(blob))
    return _LOADED[key], record.version


def _store_default() -> CallModel:
    examples = default_examples()
    classifier = default_classifier()  # trained once per process
    scores = {name: score_model(rows, classifier).as_dict() for name, rows in _sets(UNSEEN).items()}
    blob = classifier.to_bytes()
    try:
        with transaction.atomic():
            record = CallModel.objects.create(
                version=1,
                trained_at=timezone.now(),
                counts=_counts(examples),
                scores=scores,
                adopted=True,
                verdict="first",
                # Its digest lets each retraining tell "the same model again" without reading
                # the blob back (`_trained_before`).
                verdict_params={"digest": sha256(blob).hexdigest()},
                blob=blob,
            )
    except IntegrityError:  # another process stored it meanwhile
        return CallModel.objects.filter(adopted=True).defer("blob").get()
    _LOADED[record.version, record.trained_at] = classifier
    return record


def correction_examples() -> list[Example]:
    """The operators' corrections and confirmations, the latest per call (a call corrected
    twice counts once); a confirmation's source is "confirmation", so a model's counts say how
    many of each it learnt from."""
    latest: dict[int, Example] = {}
    corrections = Correction.objects.select_related("call").order_by("at", "id")
    for c in corrections:
        source = "confirmation" if c.confirms else "correction"
        latest[c.call_id] = Example(c.call.content, c.to_label, source)
    return list(latest.values())


@dataclass(frozen=True)
class Verdict:
    adopt: bool
    code: str  # of VERDICTS
    params: dict[str, Any]

    def __str__(self) -> str:
        return verdict_text(self.code, self.params)


def verdict_text(code: str, params: dict[str, Any]) -> str:
    basis = params.get("basis")
    shown = {**params, "basis": BASES.get(basis, basis)} if basis else params
    return render_event(VERDICTS, code, shown)


def judge(candidate: dict[str, Scores], current: dict[str, Scores]) -> Verdict:
    """Adopt only a candidate that diverts no police call on any set and whose right-sub-type
    share on the unseen set (else the sample) is not below the model in use's."""
    diverted = sum(s.police_diverted for s in candidate.values())
    if diverted:
        return Verdict(False, "refused_police", {"n": diverted})
    basis = "unseen" if "unseen" in candidate else "sample"
    new, old = candidate[basis].right_share, current[basis].right_share
    shares = {"new": f"{new:.1%}", "old": f"{old:.1%}", "basis": basis}
    if new < old:
        return Verdict(False, "refused_worse", shares)
    return Verdict(True, "adopted", shares)


def retrain(*, unseen: Path | None = None, actor: User | None = None) -> CallModel | None:
    """Train a candidate, score it and the model in use on the same sets, keep the candidate
    as a new version, adopted or not by `judge`; None when it is the model in use again.
    `unseen` None is the default path."""
    examples = default_examples() + correction_examples()
    return consider(Classifier.train(examples), examples, unseen=unseen, actor=actor)


def consider(
    candidate: Classifier,
    examples: list[Example],
    *,
    unseen: Path | None = None,
    actor: User | None = None,
) -> CallModel | None:
    """Score `candidate` against the model in use and store it, adopted or not. A candidate
    byte for byte the model in use or the latest one stored (training is deterministic: the
    same data and code give the same model) is not stored again, so the scheduled job adds no
    copy every run; a refused one is stored without its blob (only adopted models are ever
    loaded, and a blob is about 60 MB), with its digest."""
    in_use, version = current_classifier()
    blob = candidate.to_bytes()
    digest = sha256(blob).hexdigest()
    if _trained_before(digest, in_use, version):
        log.info("call model v%s stays: training gave the same model again", version)
        return None
    sets = _sets(unseen if unseen is not None else UNSEEN)
    new = {name: score_model(rows, candidate) for name, rows in sets.items()}
    old = {name: score_model(rows, in_use) for name, rows in sets.items()}
    verdict = judge(new, old)
    with transaction.atomic():
        # Two retrains at once: the second one's version is refused by the unique constraint.
        top = CallModel.objects.aggregate(top=Max("version"))["top"] or 0
        record = CallModel.objects.create(
            version=top + 1,
            trained_at=timezone.now(),
            counts=_counts(examples),
            scores={name: s.as_dict() for name, s in new.items()},
            adopted=verdict.adopt,
            verdict=verdict.code,
            verdict_params={**verdict.params, "digest": digest},
            blob=blob if verdict.adopt else b"",
        )
        record_change(
            actor=actor,
            action="retrain_calls",
            object_type="call_model",
            object_key=str(record.version),
            after={"adopted": record.adopted, "scores": record.scores, "verdict": verdict.code},
        )
    log.info("call model v%s adopted=%s %s", record.version, record.adopted, record.scores)
    return record


def _trained_before(digest: str, in_use: Classifier, version: int) -> bool:
    """Whether the latest stored model (adopted or refused) or the model in use is this one
    again, by their digests. A model in use stored before digests were kept is compared as it
    pickles now (loaded already; its stored blob may hold what is no longer stored), so the
    first retraining after an upgrade neither reads that blob back nor stores the same model."""
    latest = CallModel.objects.defer("blob").first()
    if latest is not None and latest.verdict_params.get("digest") == digest:
        return True
    record = CallModel.objects.defer("blob").get(version=version)
    known = record.verdict_params.get("digest")
    if known is None:  # kept, so this is worked out once, not on every scheduled run
        known = sha256(in_use.to_bytes()).hexdigest()
        record.verdict_params = {**record.verdict_params, "digest": known}
        record.save(update_fields=["verdict_params"])
    return bool(known == digest)


def _sets(unseen: Path) -> dict[str, list[dict[str, str]]]:
    sets = {"sample": read_rows(SAMPLE_FILE)}
    if unseen.exists():
        sets["unseen"] = read_rows(unseen)
    return sets


def _counts(examples: list[Example]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in examples:
        counts[e.source] = counts.get(e.source, 0) + 1
    return counts
