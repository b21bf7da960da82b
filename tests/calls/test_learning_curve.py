"""bench/divert_learning.py's simulation: the operators' corrections of calls the desk kept are
trained on, the candidate is judged by the desk's rule and adopted, and it then diverts those
calls while a police call with a danger phrase stays with the police.

The calls are written here (consumer disputes in wording the default model keeps with the
police); no held-out set is read."""

from functools import cache

from bench.divert_learning import CONFIRMED, KEPT, simulate
from outpost.calls.classify import POLICE_LABEL, classify_call
from outpost.calls.learning import judge
from outpost.calls.model import Classifier
from outpost.calls.training import SAMPLE, answer_of, base_examples
from outpost.calls.training import read_rows as read_csv

DISPUTES = [
    "理发店硬给我推销八百的套餐，办完第二天就关门了",
    "我要投诉那个装修公司，合同签好了材料以次充好",
    "奶茶店的会员卡余额突然清零了",
]
DANGER = "他拿着刀说要砍死我，快派人来"


@cache
def base_model() -> Classifier:
    """The model before the spent sets joined the default (as bench/divert_learning.py starts)."""
    return Classifier.train(base_examples())


def rows(calls: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"content": text, "label": label} for text, label in calls]


def test_it_learns_the_calls_operators_corrected_and_keeps_danger_with_the_police() -> None:
    default = base_model()
    arriving = rows([(text, "0908") for text in DISPUTES] + [(DANGER, POLICE_LABEL)])
    held = rows([("健身房收了年费就跑路了，会员卡成了废卡", "0908"), (DANGER, POLICE_LABEL)])
    run, final = simulate(
        [("1", arriving)],
        base=base_examples(),
        sample=read_csv(SAMPLE),
        held=held,
        initial=default,
        judge=judge,
    )

    assert [c.kind for c in run.corrected] == [KEPT] * len(DISPUTES)
    assert all(c.learnable for c in run.corrected)
    assert [s.name for s in run.steps] == ["none", "set 1"]
    assert run.steps[-1].adopted == "yes", run.steps[-1].adopted
    assert run.steps[-1].corrections == len(DISPUTES)
    assert run.steps[-1].sample.police_diverted == 0
    assert final is not default
    assert [answer_of(classify_call(text, final)) for text in DISPUTES] == ["0908"] * len(DISPUTES)
    assert answer_of(classify_call(DANGER, final)) == POLICE_LABEL
    assert run.steps[-1].held.rows == 2


def test_it_learns_from_confirmations_too_when_operators_confirm() -> None:
    """Confirming: the calls the desk got right are training data as well (the police call it
    kept, here), each marked as a confirmation; the corrected calls are learnt as before."""
    arriving = rows([(text, "0908") for text in DISPUTES] + [(DANGER, POLICE_LABEL)])
    run, final = simulate(
        [("1", arriving)],
        base=base_examples(),
        sample=read_csv(SAMPLE),
        held=rows([(DANGER, POLICE_LABEL)]),
        initial=base_model(),
        judge=judge,
        confirming=True,
    )

    kinds = [(c.kind, c.example.source, c.example.label) for c in run.corrected]
    assert kinds == [(KEPT, "correction", "0908")] * len(DISPUTES) + [
        (CONFIRMED, "confirmation", POLICE_LABEL)
    ]
    assert run.steps[-1].adopted == "yes" and run.steps[-1].corrections == len(DISPUTES) + 1
    assert [answer_of(classify_call(text, final)) for text in DISPUTES] == ["0908"] * len(DISPUTES)
