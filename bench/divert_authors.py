"""Benchmark: the 110 call diversion measured across authors (leave one author out).

    python bench/divert_authors.py [--config all|former|both] [--no-rule]

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

Configs: `all` trains on every author but the held-out one, as the default model trains on every
author (`training.default_examples`); `former` on the authors the default model trained on before
(sample, descriptions, police phrasings) minus the held-out one. Both with the current danger
rule, THRESHOLD and POLICE_CAP, and without the non-police calls the rule keeps
(`model.seen_by_model`). `--no-rule` answers with the model alone (the danger rule switched off):
the net below the rule, how POLICE_CAP was chosen. No unseen/evaluation set is read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outpost.calls.classify import Decision, classify_call, decide, normalise  # noqa: E402
from outpost.calls.model import Classifier, Example  # noqa: E402
from outpost.calls.training import (  # noqa: E402
    Scores,
    author_rows,
    description_examples,
    score,
)

AUTHORS = ("sample", "dev", "written", "phrases")
FORMER = {"sample", "phrases"}  # the former default model's authors (besides the descriptions)
FINAL = "written2"
SOURCES = {"phrases": "police_phrases", "dev": "dev_calls"}  # as training.default_examples names


def examples_of(rows: Sequence[dict[str, str]], author: str) -> list[Example]:
    return [Example(r["content"], r["label"], author, r.get("group", "")) for r in rows]


def training(config: str, held: str, rows: dict[str, list[dict[str, str]]]) -> list[Example]:
    authors = FORMER if config == "former" else set(AUTHORS)
    examples = description_examples()
    for author in sorted(authors - {held}):
        source = SOURCES.get(author, author)
        examples += examples_of(rows[author], source)
    return examples


def line(name: str, s: Scores) -> str:
    return (
        f"  {name:<9} police {s.police_diverted:>2}/{s.police:<4} diverted   non-police "
        f"{s.others:>4}: right {s.right:>4} ({s.right_share:6.1%})  kept {s.kept:>4}  "
        f"wrong {s.wrong:>3}"
    )


def scored(rows: list[dict[str, str]], model: Classifier, rule: bool) -> Scores:
    def answer(text: str) -> Decision:
        return classify_call(text, model) if rule else decide(model.suggest(normalise(text)))

    return score(rows, answer)[0]


def run(config: str, rule: bool) -> None:
    rows = {a: author_rows(a) for a in (*AUTHORS, FINAL)}
    shown = config + ("" if rule else ", model alone (no danger rule)")
    print(f"config {shown}: held-out author → police diverted, non-police right/kept/wrong")
    total = Scores()
    for held in AUTHORS:
        s = scored(rows[held], Classifier.train(training(config, held, rows)), rule)
        print(line(held, s))
        for key in ("rows", "police", "police_diverted", "right", "kept", "wrong"):
            setattr(total, key, getattr(total, key) + getattr(s, key))
    print(line("all held", total))
    final = scored(rows[FINAL], Classifier.train(training(config, FINAL, rows)), rule)
    print(line(FINAL, final) + "   (never trained on)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", choices=("all", "former", "both"), default="both")
    parser.add_argument("--no-rule", action="store_true", help="the model alone")
    args = parser.parse_args()
    for config in ("former", "all") if args.config == "both" else (args.config,):
        run(config, not args.no_rule)


if __name__ == "__main__":
    main()
