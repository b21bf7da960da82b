"""The written training corpus (calls/data/training_written.csv) and how it is made.

The calls were written by hand from the taxonomy's 09 sub-types (calls/data/subtypes.json) and
issue 17's description of what callers say, without reading any evaluation set: one file per
sub-type (calls/data/written/09xx.txt), one of calls that only look dangerous
(looks_dangerous.txt, "label<TAB>text") and one of police calls, many of them harmless-looking
with one danger sign (police.txt). Each written call is then said again in other voices, chosen
deterministically: an elderly caller rambling, Nanjing words (阿能, 晓得, 小伢, 这块), homophone
typos, traditional characters, a run-on sentence without punctuation, a second matter tacked on.

Every voice of one written call shares its group; a fifth of the groups (by a checksum of the
group) form our own development part ("dev"), never trained on; the rest are "train".

    python -m outpost.calls.written   # rewrites calls/data/training_written.csv
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Callable
from pathlib import Path

from outpost.calls.hanzi import _SIMPLIFIED, _TRADITIONAL

HERE = Path(__file__).resolve().parent / "data"
WRITTEN = HERE / "written"
CORPUS = HERE / "training_written.csv"
DEV_SHARE = 5  # one group in five is the development part
COLUMNS = ("content", "label", "voice", "group", "part")

_TO_TRADITIONAL = {s: t for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=True)}
DIALECT = (
    ("能不能", "阿能"),
    ("是不是", "阿是"),
    ("要不要", "阿要"),
    ("有没有", "阿有"),
    ("知道", "晓得"),
    ("小孩子", "小伢"),
    ("孩子", "小伢子"),
    ("这里", "这块"),
    ("那里", "那块"),
    ("说", "讲"),
    ("很", "蛮"),
    ("没有", "没得"),
)
TYPOS = (
    ("装修", "装休"),
    ("噪音", "燥音"),
    ("电梯", "电题"),
    ("物业", "务业"),
    ("漏水", "露水"),
    ("邻居", "临居"),
    ("挪车", "娜车"),
    ("车位", "车为"),
    ("停电", "停店"),
    ("咨询", "资询"),
    ("路灯", "路等"),
    ("钥匙", "要匙"),
    ("流浪", "流狼"),
    ("调解", "条解"),
    ("押金", "压金"),
    ("投诉", "头诉"),
    ("门禁", "门进"),
    ("楼道", "楼到"),
    ("停水", "庭水"),
    ("退钱", "退前"),
    ("商家", "商加"),
    ("办理", "半理"),
    ("下水道", "下水到"),
    ("广场舞", "光场舞"),
)
OPENINGS = (
    "喂，喂，是110吗？我跟你讲啊，",
    "哎，同志啊，我老太婆不会讲话，就是",
    "你好你好，我家老头子让我打的，",
)
CLOSINGS = ("，你们帮帮忙啊，我年纪大了搞不清楚", "，唉，我讲了半天你听懂了吧", "，麻烦你们了啊")
SECONDS = ("，还有就是想问一下社区电话多少", "，别的倒也没什么", "，就这个事情")


def _pick(options: tuple[str, ...], key: str) -> str:
    return options[zlib.crc32(key.encode()) % len(options)]


def elderly(text: str) -> str:
    return _pick(OPENINGS, text) + text + _pick(CLOSINGS, text[::-1])


def dialect(text: str) -> str:
    for plain, said in DIALECT:
        text = text.replace(plain, said)
    return text + _pick(("，烦死了", "，搞不好了", "", "，阿能来个人看看"), text)


def typos(text: str) -> str:
    for right, wrong in TYPOS:
        text = text.replace(right, wrong)
    return text


def traditional(text: str) -> str:
    return "".join(_TO_TRADITIONAL.get(c, c) for c in text)


def run_on(text: str) -> str:
    return text.replace("，", "然后").replace("。", "就是").replace("？", "")


def two_things(text: str) -> str:
    return text + _pick(SECONDS, text)


VOICES: dict[str, Callable[[str], str]] = {
    "elderly": elderly,
    "dialect": dialect,
    "typo": typos,
    "traditional": traditional,
    "run_on": run_on,
    "two_things": two_things,
}


def written_calls() -> list[tuple[str, str, str]]:
    """(text, label, group) of every hand-written call."""
    calls = []
    for path in sorted(WRITTEN.glob("*.txt")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" in line:
                label, text = line.split("\t", 1)
            else:
                label, text = ("POLICE" if path.stem == "police" else path.stem), line
            calls.append((text.strip(), label, f"{path.stem}:{n}"))
    return calls


def corpus_rows() -> list[dict[str, str]]:
    """Each written call in its own words and in two other voices, chosen by the text."""
    rows, seen = [], set()
    names = sorted(VOICES)
    for text, label, group in written_calls():
        part = "dev" if zlib.crc32(group.encode()) % DEV_SHARE == 0 else "train"
        first = zlib.crc32(text.encode()) % len(names)
        voices = ["plain", names[first], names[(first + 3) % len(names)]]
        for voice in voices:
            said = text if voice == "plain" else VOICES[voice](text)
            if said in seen:
                continue
            seen.add(said)
            rows.append(
                {"content": said, "label": label, "voice": voice, "group": group, "part": part}
            )
    return rows


def write_corpus(path: Path = CORPUS) -> int:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = corpus_rows()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    print(write_corpus())
