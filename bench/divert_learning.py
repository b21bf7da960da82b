"""Benchmark: how much the operators' corrections improve the 110 call desk (issue 17), measured
on wording the desk has never seen.

    python bench/divert_learning.py [--held 4] [--corrections 1,2,3] [--order 1,2,3:4]
                                    [--sample CSV] [--strict]

Simulates operators using the desk. The correction sets (data/eval/calls_110_unseen*.csv, by
default sets 1, 2 and 3) arrive in turn; the model in use answers every call of the arriving set
with `classify_call` (the danger rule, then the model) and the operators correct every call it
got wrong, each becoming `Example(content, label, "correction")`. The run is made twice: with
corrections only, and with operators who also confirm every call the desk got right (the desk's
确认, `calls.corrections.do_confirm`: `Example(content, label, "confirmation")`). After each set a
candidate is trained on `base_examples()` (the default model's examples before the spent sets
joined it) and all corrections so far (`Classifier.train`, no database) and adopted or refused by
the desk's own rule, `calls.learning.judge`, on the sample and on the sets
corrected so far (both resubstitution: they are trained on).

The held-out set (set 4 by default) is never trained on and never used for any decision: only
scored after each step, so its figures measure what corrections teach about wording the desk has
never seen, not how well the model remembers the calls it was corrected on. Corrections of
non-police calls that the danger rule keeps cannot be learned (`model.seen_by_model`: the model
never sees them); they are counted apart. Only aggregate figures are printed, never a call's
text. Ends with PASS/FAIL against issue 17's goals on the held-out set for the final adopted
model, beside the default model's figures of the same run (the anchor). Deterministic.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# Run as a plain script from anywhere: make the repository root importable.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.divert import GOAL_POLICE_DIVERTED, GOAL_RIGHT, POLICE_LABEL, print_scores  # noqa: E402
from outpost.calls.classify import classify_call  # noqa: E402
from outpost.calls.model import Classifier, Example, seen_by_model  # noqa: E402
from outpost.calls.training import (  # noqa: E402
    SAMPLE,
    Scores,
    answer_of,
    base_examples,
    read_rows,
    score_model,
)

if TYPE_CHECKING:
    from outpost.calls.learning import Verdict

EVAL = ROOT / "data" / "eval"
Rows = Sequence[dict[str, str]]
Judge = Callable[[dict[str, Scores], dict[str, Scores]], "Verdict"]
KEPT, TO_POLICE, OTHER = "kept→sub-type", "sub-type→POLICE", "sub-type→other sub-type"
CONFIRMED = "confirmed"
KINDS = (KEPT, TO_POLICE, OTHER, CONFIRMED)
MODES = {False: "corrections only", True: "corrections and confirmations"}
# The judge's scored sets: the sample, and the sets corrected so far in the place the desk's
# judge gives its unseen set (the basis of the right-sub-type share). Never the held-out set.
JUDGED = ("sample", "unseen")


@dataclass(frozen=True)
class Corrected:
    """One operator's correction: the training example, what kind of mistake it fixed, and the
    step (the arriving set) it came from."""

    example: Example
    kind: str  # of KINDS (CONFIRMED: the desk was right and the operator said so)
    step: str

    @property
    def learnable(self) -> bool:
        return seen_by_model(self.example)


@dataclass(frozen=True)
class Step:
    """The desk after one step: the model in use scored on the held-out set and the sample."""

    name: str
    corrections: int  # so far
    adopted: str  # the verdict on this step's candidate
    held: Scores
    sample: Scores
    unlearnable: int = 0  # corrections so far the danger rule keeps from the model
    candidate_held: Scores | None = None  # this step's candidate's, adopted or not


@dataclass
class Run:
    steps: list[Step] = field(default_factory=list)
    corrected: list[Corrected] = field(default_factory=list)


def set_path(number: int) -> Path:
    """Set 1 is calls_110_unseen.csv, set n calls_110_unseen{n}.csv."""
    return EVAL / f"calls_110_unseen{number if number > 1 else ''}.csv"


def kind_of(answer: str, label: str) -> str:
    if answer == label:
        return CONFIRMED
    if answer == POLICE_LABEL:
        return KEPT
    return TO_POLICE if label == POLICE_LABEL else OTHER


def corrections_of(
    rows: Rows, model: Classifier, step: str, confirming: bool = False
) -> list[Corrected]:
    """The desk answers every call; every wrong answer is corrected to the call's label and,
    when `confirming`, every right one confirmed."""
    reviewed = []
    for row in rows:
        kind = kind_of(answer_of(classify_call(row["content"], model)), row["label"])
        if kind == CONFIRMED and not confirming:
            continue
        source = "confirmation" if kind == CONFIRMED else "correction"
        reviewed.append(Corrected(Example(row["content"], row["label"], source), kind, step))
    return reviewed


def verdict_text(verdict: Verdict, new: dict[str, Scores]) -> str:
    """The verdict in a few words; a police refusal names the police calls diverted per set."""
    if verdict.adopt:
        return "yes"
    if verdict.code == "refused_police":
        each = "+".join(str(new[name].police_diverted) for name in JUDGED)
        return f"no: {verdict.params['n']} police ({each})"
    return f"no: right {verdict.params['new']} < {verdict.params['old']}"


def consider(
    candidate: Classifier, current: Classifier, judged: dict[str, Rows], judge: Judge
) -> tuple[bool, str]:
    """The desk's adoption rule on the judged sets only (never the held-out set): adopted?, and
    the verdict in words."""
    new = {name: score_model(rows, candidate) for name, rows in judged.items()}
    old = {name: score_model(rows, current) for name, rows in judged.items()}
    verdict = judge(new, old)
    return verdict.adopt, verdict_text(verdict, new)


def simulate(
    arriving: Sequence[tuple[str, Rows]],
    *,
    base: Sequence[Example],
    sample: Rows,
    held: Rows,
    initial: Classifier,
    judge: Judge,
    confirming: bool = False,
) -> tuple[Run, Classifier]:
    """The sets arrive in turn, are corrected (and, `confirming`, confirmed) and retrained on;
    returns the run and the model in use at its end. `held` is only ever scored."""
    run, current, arrived, names = Run(), initial, list[dict[str, str]](), list[str]()
    run.steps.append(Step("none", 0, "default", *scored(current, held, sample)))
    for name, rows in arriving:
        names.append(name)
        run.corrected += corrections_of(rows, current, f"set {name}", confirming)
        arrived += rows
        candidate = Classifier.train([*base, *(c.example for c in run.corrected)])
        adopt, said = consider(
            candidate, current, dict(zip(JUDGED, (sample, arrived), strict=True)), judge
        )
        current = candidate if adopt else current
        step = f"set{'s' if len(names) > 1 else ''} {','.join(names)}"
        unlearnable = sum(not c.learnable for c in run.corrected)
        scores = scored(current, held, sample)
        # The candidate on the held-out set whether adopted or not: measured, never decisive.
        tried = score_model(held, candidate)
        run.steps.append(Step(step, len(run.corrected), said, *scores, unlearnable, tried))
    return run, current


def scored(model: Classifier, held: Rows, sample: Rows) -> tuple[Scores, Scores]:
    return score_model(held, model), score_model(sample, model)


@contextmanager
def desk_judge() -> Iterator[Judge]:
    """`calls.learning.judge`, the desk's adoption rule. Its module imports Django models, so
    Django is set up first on a scratch var folder; no database is opened (judge reads none)."""
    with tempfile.TemporaryDirectory(prefix="outpost-bench-") as var:
        os.environ["OUTPOST_VAR_DIR"] = var
        os.environ["DJANGO_SETTINGS_MODULE"] = "outpost.settings"
        os.environ.setdefault("OUTPOST_DEBUG", "false")  # no per-query log
        import django

        django.setup()
        from outpost.calls.learning import judge

        yield judge


def print_step(step: Step, held_name: str) -> None:
    print(f"\n===== step: corrections from {step.name} ({step.corrections} so far) =====")
    print(f"adopted: {step.adopted}")
    print_scores(step.held, f"held out {held_name} (never trained on, never decides)")
    print_scores(step.sample, "sample (training side, resubstitution)")
    tried = step.candidate_held
    if tried is not None and not step.adopted.startswith("yes"):
        print(
            f"(the refused candidate, measured only: {held_name} police diverted "
            f"{tried.police_diverted}, right {tried.right_share:.2%})"
        )


def print_table(steps: Sequence[Step], held_name: str) -> None:
    print(f"\n===== learning curve ({held_name} held out) =====")
    print(
        f"{'step':<12}{'reviewed':>12}{'unlearnable':>12}  {'adopted?':<22}"
        f"{'held police':>12}{'held right':>11}{'sample police':>14}{'sample right':>13}"
        f"{'cand. police':>13}{'cand. right':>12}"
    )
    for s in steps:
        tried = s.candidate_held
        print(
            f"{s.name:<12}{s.corrections:>12}{s.unlearnable:>12}  {s.adopted:<22}"
            f"{s.held.police_diverted:>12}{s.held.right_share:>11.2%}"
            f"{s.sample.police_diverted:>14}{s.sample.right_share:>13.2%}"
            + (f"{tried.police_diverted:>13}{tried.right_share:>12.2%}" if tried else f"{'-':>13}")
        )
    print(
        f"held police, held right: the model in use on {held_name}, police calls diverted (of "
        f"{steps[0].held.police})\n  and share right of its {steps[0].held.others} non-police "
        "calls; sample police, sample right: the same on the sample;\n  reviewed: the "
        "operators' corrections (and confirmations) so far;\n  cand.: this step's "
        "candidate on the held-out set, adopted or not (measured only, never decisive);\n"
        "  unlearnable: corrections so far of non-police calls the danger rule keeps (the model "
        "never sees them);\n  adopted? no: N police (A+B): the candidate diverts A police calls "
        "of the sample and B of the sets corrected so far."
    )


def print_kinds(corrected: Sequence[Corrected]) -> None:
    """Corrections per arriving set by kind, and those the model can never learn from."""
    print("\n===== corrections by kind =====")
    print(f"{'from':<10}" + "".join(f"{k:>26}" for k in KINDS) + f"{'unlearnable':>14}")
    for step in dict.fromkeys(c.step for c in corrected):
        print(kinds_row(step, [c for c in corrected if c.step == step]))
    print(kinds_row("all", corrected))
    print(
        "(unlearnable: non-police calls the danger rule keeps; the model never sees them, so no "
        "correction can divert them)"
    )


def kinds_row(name: str, corrected: Sequence[Corrected]) -> str:
    counts = Counter(c.kind for c in corrected)
    unlearnable = sum(not c.learnable for c in corrected)
    return f"{name:<10}" + "".join(f"{counts[k]:>26}" for k in KINDS) + f"{unlearnable:>14}"


def print_goals(final: Step, anchor: Step, held_name: str) -> bool:
    """Issue 17's goals on the held-out set: the final adopted model beside the default's."""
    diverted, right = final.held.police_diverted, final.held.right_share
    goals = [
        (
            f"POLICE calls diverted = {GOAL_POLICE_DIVERTED}",
            diverted == GOAL_POLICE_DIVERTED,
            f"{diverted}",
            f"{anchor.held.police_diverted}",
        ),
        (
            f"non-police right >= {GOAL_RIGHT:.0%}",
            right >= GOAL_RIGHT,
            f"{right:.2%}",
            f"{anchor.held.right_share:.2%}",
        ),
    ]
    print(
        f"\nissue 17's goals on {held_name}, the model in use after {final.name} "
        "(the default model, this run, in brackets):"
    )
    for label, ok, value, default in goals:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {value} (default: {default})")
    return all(ok for _, ok, _, _ in goals)


def parse_order(args: argparse.Namespace) -> tuple[list[int], int]:
    """The correction sets in arrival order and the held-out set; `--order 1,2,4:3` is short for
    `--corrections 1,2,4 --held 3`."""
    corrections, held = args.corrections, args.held
    if args.order:
        corrections, _, held = args.order.partition(":")
    numbers = [int(n) for n in str(corrections).split(",") if n.strip()]
    held = int(held)
    if held in numbers or len(set(numbers)) != len(numbers) or not numbers:
        raise SystemExit(f"the held-out set {held} must not be a correction set: {numbers}")
    return numbers, held


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--held", default="4", help="the held-out set, never trained on")
    parser.add_argument("--corrections", default="1,2,3", help="correction sets, in order")
    parser.add_argument("--order", help="CORRECTIONS:HELD, e.g. 1,2,4:3")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    args = parser.parse_args(argv)
    numbers, held_number = parse_order(args)
    started = time.perf_counter()
    held_name = f"set {held_number} ({set_path(held_number).name})"
    arriving = [(str(n), read_rows(set_path(n))) for n in numbers]
    print(f"corrections from sets {numbers} in turn; held out: {held_name}")
    results = []
    # The model before any set was reviewed (the shipped default trains on all four spent sets,
    # so it would already know the held-out one).
    initial = Classifier.train(base_examples())
    with desk_judge() as judge:
        for confirming, mode in MODES.items():
            run, _ = simulate(
                arriving,
                base=base_examples(),
                sample=read_rows(args.sample),
                held=read_rows(set_path(held_number)),
                initial=initial,
                judge=judge,
                confirming=confirming,
            )
            results.append((mode, run))
    for mode, run in results:
        print(f"\n########## operators' {mode} ##########")
        for step in run.steps:
            print_step(step, held_name)
    oks = []
    for mode, run in results:
        print(f"\n########## operators' {mode}: summary ##########")
        print_table(run.steps, held_name)
        print_kinds(run.corrected)
        oks.append(print_goals(run.steps[-1], run.steps[0], held_name))
    print(f"\nran in {time.perf_counter() - started:.1f} s")
    return 1 if args.strict and not oks[-1] else 0


if __name__ == "__main__":
    sys.exit(main())
