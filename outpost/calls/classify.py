"""Non-police call diversion (非警务警情分流): decide whether a 110 call can leave the police.

Pure Python, no Django. `classify_call(content, model)` answers `police` or `divert` with a
category-09 sub-type. The order of questions is fixed and errs towards the police:

1. Empty text: police.
2. Danger signs (violence, injury, weapons, threats, crime, fraud, self-harm, traffic, fire/gas,
   missing people, people trapped): police. Before looking, a few *defusers* blank out phrases
   that only look dangerous ("没人被困", "受伤的猫", "走失后已经找到了"). This is a hard rule:
   no model decides a call it keeps (`second_reading` asks the model afterwards, for the
   operator's eyes only).
3. The model (`model.Classifier`): a sub-type at THRESHOLD or above is diverted only while the
   model's POLICE probability is below POLICE_CAP; its POLICE class, a sub-type below the
   threshold or one the model finds police-like too stays with the police (all but a sure POLICE
   marked for the operator, "cannot tell").

The danger signs are written by kind as callers describe things (the act: 一拳, 按在地上; the
state: 叫不醒, 喘不过气; the loss: 电瓶车早上没了), not as offences, and checked against our own
development set (tests/calls/data/dev_calls.csv) — never against the evaluation set.

Situations (a sub-type, a name and cue regexes; `find_situations`, `resolve`) are the rule
vocabulary of before the model: the model reads the situations found as features beside the
call's character n-grams, and `classify_by_rules` still answers by them alone.

The vocabulary is data, in `lexicon`: edit it, not the functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Protocol

from outpost.calls.english import read_english
from outpost.calls.hanzi import simplified
from outpost.calls.lexicon import DANGER_SIGNS, DEFUSERS, OVERRIDES, SITUATIONS, Situation
from outpost.calls.reasons import Reason

POLICE = "police"
DIVERT = "divert"
POLICE_LABEL = "POLICE"  # the model's class (and the files' label) for a police call
POLICE_NAME = "警务警情"  # the POLICE class as the desk names it in a reason
# Below this probability the model's sub-type is only a suggestion: the call stays with the
# police, marked for the operator. Chosen on our own paraphrases (tests/calls/test_classify.py
# and a few dozen more in other voices), never on the unseen evaluation set.
THRESHOLD = 0.4
# A sub-type is diverted only while the model's POLICE probability stays below this cap: a call
# the model finds somewhat like a police matter stays (marked for the operator). Chosen with the
# danger rule switched off, so that the model alone is judged, on our own development set
# (tests/calls/data/dev_calls.csv, 121 police and 103 other calls; police calls the model alone
# would divert: no cap 10, 0.3 → 8, 0.2 → 6, 0.15 → 2; other calls placed right 88, 86, 85, 84)
# and on the sample cross-validated five-fold (police diverted 0 of 85 at any cap; right 152 of
# 155 down to 146 at 0.15). Safety first: 0.15. Since the model trains on every author, 0.10:
# measured leaving each author out (bench/divert_authors.py) with the rule switched off, the
# police calls the model alone diverts are then fewer on every held-out author than the model
# trained on the sample alone diverted at 0.15 (dev 2 vs 3, written 3 vs 11, phrasings 0 vs 27,
# written2 1 vs 2); at 0.15 the dev author's would be 4. Since the spent held-out sets are trained
# on, 0.15 again: each spent set answered by a model trained on the other three (bench/divert.py's
# "spent sets, each held out"), police calls diverted 2 of 935 at 0.10 and at 0.15, 4 at 0.20;
# non-police right 72.9%, 75.5%, 77.3%. Checked again on five spent sets, each held out
# (calls/data/README.md): at 0.20 none diverted, at 0.25 three; 0.15 keeps the margin.
POLICE_CAP = 0.15
# A POLICE suggestion keeps the call unmarked only from this probability on; below it the model is
# as unsure as with a weak sub-type ("你好" scores POLICE about 0.3) and the operator should look.
# Either way the call stays with the police.
POLICE_SURE = 0.5

SUBTYPE_NAMES: dict[str, str] = {
    "0901": "噪音扰民",
    "0902": "物业维修",
    "0903": "邻里纠纷",
    "0904": "动物相关求助",
    "0905": "求助咨询",
    "0906": "停车纠纷",
    "0907": "水电气故障",
    "0908": "消费维权",
}


@dataclass(frozen=True)
class Decision:
    """The answer for one call."""

    decision: str  # "divert" or "police"
    subtype: str  # a 09xx sub-type when diverted, "" for police
    reason: Reason  # a code and parameters, rendered when read
    suggested: str = ""  # what the model said (POLICE or a sub-type), "" when it was not asked
    confidence: float | None = None  # the model's probability for `suggested`
    why: tuple[tuple[str, float], ...] = ()  # the features that weighed most, largest first
    marked: bool = False  # kept only because the model could not tell: for the operator


class Suggests(Protocol):
    """A model below the danger rule (`model.Classifier`, or a stub in tests)."""

    def suggest(self, text: str) -> Any: ...


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_DEFUSE = _compile(tuple(p for p, _ in DEFUSERS))
_DANGER = tuple((kind, _compile(pats)) for kind, pats in DANGER_SIGNS.items())
_SITUATIONS = tuple((s, _compile(s.cues)) for s in SITUATIONS)
_SPACE = re.compile(r"\s+")
# Greetings, fillers and asking to report, which say nothing of what happened ("喂喂，听得到吗",
# "我想反映一个情况"): a call of nothing else is not the model's to place (trained on callers who
# ask questions, it would send it to 求助咨询). The operator hears the caller out.
_FILLER = re.compile(
    r"喂|你好|您好|请问|同志|警官|那个|这个|就是|嗯|啊|哦|呃|诶|哎|唉|呀|吗|呢|吧|了|的|好的|谢谢|"
    r"听得?(?:到|见|清)|能|怎么说|我(?:想|要)?|你们|有|个|一|(?:反映|报|说|讲)(?:警|案|一下)?|"
    r"(?:情况|事情?|问题)|管不管|在不在|[\W\d_]"
)
MEANINGFUL = 2  # characters left after the fillers for a call to say something


# A space between Chinese and a Latin word or a number only separates the scripts ("下载一个 app"):
# it is dropped, where a space between Chinese words still ends a clause.
_SCRIPT_SPACE = re.compile(
    r"(?<=[\u4e00-\u9fff])\s+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\s+(?=[\u4e00-\u9fff])"
)


def normalise(content: str) -> str:
    """Traditional characters folded to simplified, known English words read in Chinese, trimmed
    and upper-cased (ktv = KTV); inner runs of white space separate clauses like a comma."""
    text = _SCRIPT_SPACE.sub("", read_english(simplified(content or "")).strip())
    return _SPACE.sub("，", text.upper())


def find_danger(text: str) -> tuple[str, str] | None:
    """The first danger sign as (kind, matched text), after blanking out defused phrases."""
    defused = _DEFUSE.sub("，", text)
    for kind, pattern in _DANGER:
        hit = pattern.search(defused)
        if hit:
            return kind, hit.group()
    return None


def says_nothing(text: str) -> bool:
    """Whether a normalised call holds nothing but greetings and fillers."""
    return len(_FILLER.sub("", text)) < MEANINGFUL


def find_situations(text: str) -> list[Situation]:
    """Situations whose cues occur; weak ones only when no strong one does."""
    found = [s for s, pattern in _SITUATIONS if pattern.search(text)]
    strong = [s for s in found if not s.weak]
    return strong or found


def classify_by_rules(content: str) -> Decision:
    """The rule vocabulary alone, without a model (for comparison and for the bench)."""
    text = normalise(content)
    if not text:
        return Decision(POLICE, "", Reason("empty"))
    danger = find_danger(text)
    if danger:
        kind, cue = danger
        return Decision(POLICE, "", Reason("danger", {"cue": cue, "kind": kind}))
    return resolve(find_situations(text))


def resolve(found: list[Situation]) -> Decision:
    """One sub-type left after the overrides: divert. None or several: doubt, so police."""
    subtypes = {s.subtype for s in found}
    beaten: set[str] = set().union(*(OVERRIDES.get(code, frozenset()) for code in subtypes))
    left = subtypes - beaten
    if not left:
        return Decision(POLICE, "", Reason("undecided"))
    if len(left) > 1:
        names = "／".join(s.name for s in found if s.subtype in left)
        return Decision(POLICE, "", Reason("conflict", {"names": names}))
    chosen = next(s for s in found if s.subtype in left)
    situation = {"subtype": SUBTYPE_NAMES[chosen.subtype], "situation": chosen.name}
    return Decision(DIVERT, chosen.subtype, Reason("divert", situation))


def classify_call(content: str, model: Suggests | None = None) -> Decision:
    """Police for an empty call and for any danger sign, whatever the model would say; below
    that the model's sub-type when it is sure enough, else police, marked for the operator.
    `model` None is the default model, trained from the shipped files (`training`)."""
    text = normalise(content)
    if not text:
        return Decision(POLICE, "", Reason("empty"))
    danger = find_danger(text)
    if danger:
        kind, cue = danger
        return Decision(POLICE, "", Reason("danger", {"cue": cue, "kind": kind}))
    if says_nothing(text):
        return Decision(POLICE, "", Reason("no_content"), marked=True)
    if model is None:
        from outpost.calls.training import default_classifier

        model = default_classifier()
    return decide(model.suggest(text))


def second_reading(content: str, kept: Decision, model: Suggests) -> Decision:
    """A call the danger rule kept, with what the model would do without the rule (二次研判),
    for the operator's eyes only: the decision stays with the police. Only when the model would
    divert it (threshold and police cap met) does the call carry that sub-type as its suggestion,
    so that an operator who finds no danger sees where it belongs; a police reading adds nothing.
    Measured on the spent sets held out (calls/data/README.md): the readings name the right
    sub-type for most of the rule's false alarms and for almost none of its police calls."""
    if kept.reason.code != "danger":
        return kept
    read = decide(model.suggest(normalise(content)))
    if read.decision != DIVERT:
        return kept
    return replace(kept, suggested=read.subtype, confidence=read.confidence, why=read.why)


def decide(suggestion: Any) -> Decision:
    """The model's suggestion turned into a decision: a sub-type at THRESHOLD or above, with a
    POLICE probability below POLICE_CAP, is diverted; POLICE, anything unknown, a sub-type below
    the threshold or one the model also finds police-like stays with the police."""
    label, confidence = str(suggestion.label), float(suggestion.confidence)
    risk = float(getattr(suggestion, "police", 0.0))
    why = tuple((str(f), float(w)) for f, w in suggestion.why)
    percent = f"{confidence:.0%}"
    name = SUBTYPE_NAMES.get(label)
    if label == POLICE_LABEL and confidence >= POLICE_SURE:
        decision, subtype, reason = POLICE, "", Reason("model_police", {"confidence": percent})
    elif label == POLICE_LABEL or name is None or confidence < THRESHOLD or risk >= POLICE_CAP:
        # A weak POLICE guess (a call with nothing to go on, "你好") is as unsure as a weak
        # sub-type: the operator should look.
        shown = POLICE_NAME if label == POLICE_LABEL else name or label
        params = {"subtype": shown, "confidence": percent}
        decision, subtype, reason = POLICE, "", Reason("unsure", params)
    else:
        decision, subtype = DIVERT, label
        reason = Reason("model", {"subtype": name, "confidence": percent})
    marked = reason.code == "unsure"
    return Decision(decision, subtype, reason, label, confidence, why, marked)
