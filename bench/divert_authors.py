"""Benchmark: the 110 call diversion measured across authors (leave one author out).

    python bench/divert_authors.py [--config today|all|both]

Each labelled source written by a different person is held out in turn; the model is trained on
the others (plus the sub-types' descriptions) and the held-out author's calls are answered by
`classify_call` (the danger rule, then the model). Per held-out author it prints the police calls
diverted (goal 0), and the non-police calls placed right / kept with the police / sent to a wrong
sub-type. Authors:

- sample: data/gulou/calls_110_sample.csv (the district's sample)
- dev: tests/calls/data/dev_calls.csv (a second author)
- written: outpost/calls/data/training_written.csv (a third author, all parts and voices)
- phrases: outpost/calls/data/police_phrases.json (police phrasings, POLICE only)
- written2: outpost/calls/data/written2/ (a fourth author, never trained on in any config: the
  final development set, answered by the model trained on all other authors)

Configs: `today` trains on what the default model trains on (sample, descriptions, police
phrasings) minus the held-out author; `all` trains on every author but the held-out one
(`training.all_author_examples`). No unseen/evaluation set is read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outpost.calls.model import Classifier, Example  # noqa: E402
from outpost.calls.training import (  # noqa: E402
    Scores,
    author_rows,
    description_examples,
    score_model,
)

AUTHORS = ("sample", "dev", "written", "phrases")
TODAY = {"sample", "phrases"}  # the default model's authors (besides the descriptions)
FINAL = "written2"


def examples_of(rows: Sequence[dict[str, str]], author: str) -> list[Example]:
    return [Example(r["content"], r["label"], author, r.get("group", "")) for r in rows]


def training(config: str, held: str, rows: dict[str, list[dict[str, str]]]) -> list[Example]:
    authors = TODAY if config == "today" else set(AUTHORS)
    examples = description_examples()
    for author in sorted(authors - {held}):
        source = "police_phrases" if author == "phrases" else author
        examples += examples_of(rows[author], source)
    return examples


def line(name: str, s: Scores) -> str:
    return (
        f"  {name:<9} police {s.police_diverted:>2}/{s.police:<4} diverted   non-police "
        f"{s.others:>4}: right {s.right:>4} ({s.right_share:6.1%})  kept {s.kept:>4}  "
        f"wrong {s.wrong:>3}"
    )


def run(config: str) -> None:
    rows = {a: author_rows(a) for a in (*AUTHORS, FINAL)}
    print(f"config {config}: held-out author → police diverted, non-police right/kept/wrong")
    total = Scores()
    for held in AUTHORS:
        s = score_model(rows[held], Classifier.train(training(config, held, rows)))
        print(line(held, s))
        for key in ("rows", "police", "police_diverted", "right", "kept", "wrong"):
            setattr(total, key, getattr(total, key) + getattr(s, key))
    print(line("all held", total))
    final = score_model(rows[FINAL], Classifier.train(training(config, FINAL, rows)))
    print(line(FINAL, final) + "   (never trained on)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", choices=("today", "all", "both"), default="both")
    args = parser.parse_args()
    for config in ("today", "all") if args.config == "both" else (args.config,):
        run(config)


if __name__ == "__main__":
    main()
