"""Training data for the call model and its scores, from files; no Django.

The training side (`default_examples`) is the district's sample data/gulou/calls_110_sample.csv,
the sub-types' descriptions calls/data/subtypes.json, the police phrasings and the spent
held-out sets (`SPENT`: data/eval/calls_110_unseen.csv … unseen11.csv, read while tuning on
2026-12-07 and since then reviewed calls, as an operator's confirmations and corrections would
be), and, in the database, the operators' corrections (`calls.learning`). The unseen set
(data/eval/calls_110_unseen12.csv by default) is only ever scored, never trained on.
"""

from __future__ import annotations

import csv
import json
import os
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from outpost.calls.classify import DIVERT, POLICE_LABEL, Decision, classify_call
from outpost.calls.model import Classifier, Example

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "gulou" / "calls_110_sample.csv"
# The unseen set; OUTPOST_CALLS_UNSEEN points elsewhere (a path that does not exist switches it
# off), so that whoever tunes the classifier can run the tests and the desk without it.
EVAL = ROOT / "data" / "eval"
UNSEEN = Path(os.environ.get("OUTPOST_CALLS_UNSEEN") or EVAL / "calls_110_unseen12.csv")
# Held-out sets that were read while tuning (calls/data/README.md, "The spent sets"): they no
# longer measure unseen wording, so the default model trains on them, every call labelled.
SPENT = tuple(
    EVAL / f"calls_110_unseen{n}.csv"
    for n in ("", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")
)
DESCRIPTIONS = Path(__file__).resolve().parent / "data" / "subtypes.json"
POLICE_PHRASES = Path(__file__).resolve().parent / "data" / "police_phrases.json"
# Calls we wrote from the taxonomy in many voices (`calls.written`); the default model trains on
# all of it, `written_rows("dev")` remains for bench/divert.py --written.
WRITTEN = Path(__file__).resolve().parent / "data" / "training_written.csv"
# A second author's calls (our development set for the danger rule) and a fourth author's, never
# trained on: the cross-author measure (bench/divert_authors.py) holds each author out in turn.
DEV_CALLS = ROOT / "tests" / "calls" / "data" / "dev_calls.csv"
WRITTEN2 = Path(__file__).resolve().parent / "data" / "written2" / "calls.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def sample_examples(path: Path = SAMPLE) -> list[Example]:
    return [Example(r["content"], r["label"], "sample") for r in read_rows(path)]


def description_examples(path: Path = DESCRIPTIONS) -> list[Example]:
    """Each sub-type's meaning and phrasings, labelled with its code."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    examples = []
    for code, entry in data.items():
        if code.startswith("_"):
            continue
        texts = [entry["meaning"], *entry["phrases"]]
        examples += [Example(t, code, "descriptions") for t in texts]
    return examples


def police_examples(path: Path = POLICE_PHRASES) -> list[Example]:
    """Police calls in callers' words (by danger kind), labelled POLICE: what the model's POLICE
    class knows beyond the sample's few wordings."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [Example(t, POLICE_LABEL, "police_phrases") for t in data["phrases"]]


def written_rows(part: str, path: Path = WRITTEN) -> list[dict[str, str]]:
    """The written corpus's rows of one part ("train" or "dev")."""
    return [r for r in read_rows(path) if r["part"] == part]


def written_examples(path: Path = WRITTEN) -> list[Example]:
    """The written corpus's training part, each row with its group (the voices of one call)."""
    rows = written_rows("train", path)
    return [Example(r["content"], r["label"], "written", r["group"]) for r in rows]


def author_rows(author: str) -> list[dict[str, str]]:
    """The labelled calls of one author (`content`, `label`, maybe `group`): sample, dev,
    written (all parts), phrases (police phrasings, POLICE) or written2."""
    if author == "phrases":
        return [{"content": e.text, "label": e.label} for e in police_examples()]
    paths = {"sample": SAMPLE, "dev": DEV_CALLS, "written": WRITTEN, "written2": WRITTEN2}
    return read_rows(paths[author])


def dev_call_examples(path: Path = DEV_CALLS) -> list[Example]:
    """A second author's calls (tests/calls/data/dev_calls.csv), police and not."""
    return [Example(r["content"], r["label"], "dev_calls") for r in read_rows(path)]


def all_written_examples(path: Path = WRITTEN) -> list[Example]:
    """The written corpus, all its parts and voices: a third author's wording of every sub-type."""
    return [Example(r["content"], r["label"], "written", r["group"]) for r in read_rows(path)]


def base_examples() -> list[Example]:
    """The sample, the descriptions and the police phrasings: the default model before the
    spent sets joined it (what bench/divert_learning.py starts from). The second author's calls
    and the written corpus are measured against (bench/divert_authors.py), not trained on:
    trained on them, the model diverted 11 police calls of three held-out sets against 2 without
    (calls/data/README.md)."""
    return sample_examples() + description_examples() + police_examples()


def spent_examples(paths: Sequence[Path] = SPENT) -> list[Example]:
    """Every call of the spent held-out sets, police and not, labelled as their writers did:
    reviewed calls, as an operator's confirmations and corrections would make them."""
    return [Example(r["content"], r["label"], "spent") for p in paths for r in read_rows(p)]


def default_examples() -> list[Example]:
    """The default model's training side: the base examples and the spent sets. Calls the
    danger rule keeps are dropped for the model (`model.Classifier.train`)."""
    return base_examples() + spent_examples()


@cache
def default_classifier() -> Classifier:
    """The model from the shipped files alone, trained once per process."""
    return Classifier.train(default_examples())


@dataclass
class Scores:
    """A model's answers on one labelled set: the goals' counts and the confusion matrix
    (label × answer, the answer POLICE or the sub-type diverted to)."""

    rows: int = 0
    police: int = 0
    police_diverted: int = 0
    right: int = 0
    kept: int = 0
    wrong: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def others(self) -> int:
        return self.rows - self.police

    @property
    def right_share(self) -> float:
        return self.right / self.others if self.others else 0.0

    def add(self, label: str, answer: str) -> None:
        self.rows += 1
        self.confusion[label, answer] += 1
        if label == POLICE_LABEL:
            self.police += 1
            self.police_diverted += answer != POLICE_LABEL
        elif answer == label:
            self.right += 1
        elif answer == POLICE_LABEL:
            self.kept += 1
        else:
            self.wrong += 1

    def __add__(self, other: Scores) -> Scores:
        """Two sets' scores pooled (the spent sets, each held out in turn)."""
        return Scores(
            self.rows + other.rows,
            self.police + other.police,
            self.police_diverted + other.police_diverted,
            self.right + other.right,
            self.kept + other.kept,
            self.wrong + other.wrong,
            self.confusion + other.confusion,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "police": self.police,
            "police_diverted": self.police_diverted,
            "others": self.others,
            "right": self.right,
            "kept": self.kept,
            "wrong": self.wrong,
            "right_share": round(self.right_share, 4),
        }


def answer_of(decision: Decision) -> str:
    return decision.subtype if decision.decision == DIVERT else POLICE_LABEL


def score(
    rows: Sequence[dict[str, str]], decide: Callable[[str], Decision]
) -> tuple[Scores, list[tuple[dict[str, str], Decision]]]:
    """Scores of `decide` (content → decision) on labelled rows, and the rows it got wrong."""
    scores, mistakes = Scores(), []
    for row in rows:
        decision = decide(row["content"])
        answer = answer_of(decision)
        scores.add(row["label"], answer)
        if answer != row["label"]:
            mistakes.append((row, decision))
    return scores, mistakes


def score_model(rows: Sequence[dict[str, str]], model: Classifier) -> Scores:
    return score(rows, lambda text: classify_call(text, model))[0]


def cross_validated(
    examples: Sequence[Example],
    rows: Sequence[dict[str, str]],
    answer: Callable[[str, Classifier], Decision] = classify_call,
) -> Scores:
    """Scores on `rows` with each row answered by a model trained without its fold: FOLDS
    models, each on the other examples. Deterministic: a row with a group (the written corpus,
    whose voices of one call share it) is in the fold of its group's checksum, any other row i
    in fold i % FOLDS; a held-out group is left out of training whole."""
    folds = 5
    scores = Scores()
    for fold in range(folds):
        held = [r for i, r in enumerate(rows) if fold_of(r, i, folds) == fold]
        held_texts = {r["content"] for r in held}
        held_groups = {r["group"] for r in held if r.get("group")}
        # A text that also occurs in another fold is left out of training too: the sample
        # repeats its wordings, and a model that saw the very words would score itself.
        train = [e for e in examples if e.text not in held_texts and e.group not in held_groups]
        model = Classifier.train(train)
        for row in held:
            scores.add(row["label"], answer_of(answer(row["content"], model)))
    return scores


def spent_held_out(paths: Sequence[Path] = SPENT) -> dict[str, Scores]:
    """Each spent set answered by a model trained on the base examples and the other spent sets:
    how the default model does on a set of wording it was not trained on, by the same recipe."""
    rows = {path.name: read_rows(path) for path in paths}
    results = {}
    for name, held in rows.items():
        others = [
            Example(r["content"], r["label"], "spent")
            for n, rs in rows.items()
            if n != name
            for r in rs
        ]
        results[name] = score_model(held, Classifier.train(base_examples() + others))
    return results


def fold_of(row: dict[str, str], index: int, folds: int) -> int:
    group = row.get("group")
    return zlib.crc32(group.encode()) % folds if group else index % folds
