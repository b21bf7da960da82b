"""The 110 diversion classifier: police calls never leave the police, the rest reach the right desk.

Plain functions, no database: the danger rule, then the default model (trained from the sample
and the sub-types' descriptions). The sample is the district's labelled 110 calls; the
paraphrases are our own wording of the same situations, so what the model learnt is tested, not
the sample by heart.
"""

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outpost.calls.classify import DIVERT, POLICE, classify_call
from tests.calls.conftest import vague_call

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "gulou" / "calls_110_sample.csv"


def load_sample() -> list[dict[str, str]]:
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# Our own wording, one situation per line, several per sub-type.
DIVERTED: dict[str, str] = {
    "隔壁装修电钻从早响到晚": "0901",
    "楼上邻居半夜还在唱K": "0901",
    "对面工地晚上十一点还在施工": "0901",
    "楼上每天半夜拖椅子跺脚，根本睡不着": "0901",
    "小区里大妈跳广场舞音量开得特别大": "0901",
    "楼顶的空调外机嗡嗡响了一整夜": "0901",
    "隔壁一群人打麻将到凌晨三点，声音很大": "0901",
    "楼下商铺的喇叭一天到晚叫卖，太吵了": "0901",
    "小区电梯卡住不动了，没人被困": "0902",
    "我们单元的门禁刷不开了": "0902",
    "卫生间天花板一直往下渗水": "0902",
    "楼道的声控灯坏了一个星期": "0902",
    "厨房下水管堵住了，水漫出来": "0902",
    "整栋楼突然停水了，物业电话打不通": "0907",  # a water outage: 水电气故障 since 0907 is in use
    # Heating not warm is a supply fault (0907) by the boundary rules every held-out set was
    # labelled by (data/eval/README.md); the sample has no heating call.
    "家里暖气不热，找物业也没人来修": "0907",
    "邻居把杂物堆在楼道里，说了也不听": "0903",
    "对门总把鞋柜放在公共过道上": "0903",
    "楼上楼下因为漏水的事闹得很僵，想请社区出面调解": "0903",
    "跟房东为了退租的事谈不拢，押金一直不给": "0903",
    "婆婆和儿媳妇天天拌嘴，想找人来劝劝": "0903",
    "邻居家晾的衣服一直往我家阳台滴水": "0903",
    "小区里有条流浪狗": "0904",
    "家里阳台上飞进来一只鸽子，赶不走": "0904",
    "楼下草丛里发现一条蛇": "0904",
    "我家空调外机上有个马蜂窝": "0904",
    "邻居养的狗整晚叫个不停": "0904",
    "有只小猫卡在下水道口出不来": "0904",
    "有只狗走丢了，在单元门口转悠": "0904",
    "路边一只小狗腿受伤了，走不动": "0904",
    "钥匙丢了进不了家": "0905",
    "出门忘带钥匙，被锁在门外了": "0905",
    "想问一下新生儿上户口要带什么材料": "0905",
    "请问居住证在哪里办": "0905",
    # Road and corridor lights are repairs (0902) by those boundary rules; the sample files its
    # one wording "路灯不亮了" under 0905, and the model still answers it so (the sample test).
    "小区门口的路灯坏了好几盏": "0902",
    "家里独居老人需要人帮忙买菜": "0905",
    "想开个无犯罪记录证明，不知道去哪开": "0905",
    "有辆车堵住了我家车库门口，找不到车主": "0906",
    "楼下有车乱停，挡住了消防通道": "0906",
}

# Dangerous calls in our own wording: each must stay with the police.
DANGEROUS: tuple[str, ...] = (
    "邻居吵架吵着吵着动手了",
    "装修工人从脚手架上摔下来了",
    "有人说要从楼顶跳下去",
    "我刚被骗转了五千块",
    "楼道里有很浓的煤气味",
    "有人拿着棍子在砸车",
    "孩子找不到了",
    "小区电梯里困了人，按铃没人应",
    "电梯突然往下坠，里面有老人",
    "隔壁一直有人喊救命",
    "有个男的在楼下持刀转悠",
    "老公喝多了把家里东西全砸了",
    "有人在撬我家门锁",
    "我的电动车被偷了",
    "对方自称公安，让我把钱转到安全账户",
    "网上刷单被骗了八千",
    "朋友发消息说不想活了",
    "路口电动车和汽车撞了，骑车的倒在地上",
    "厨房着火了",
    "闻到一股糊味，好像哪里烧起来了",
    "老人出门买菜一直没回家，手机也打不通",
    "女儿放学到现在都联系不上",
    "孩子被反锁在车里了",
    "老人在家摔倒了起不来",
    "有人晕倒在小区门口",
    "一个醉汉在小区里闹事",
    "邻居扬言要放火烧了我家",
    "被邻居家的狗咬伤了腿",
    "流浪狗把小孩咬了",
    "楼上在装修，电线冒火花",
    "丈夫又动手打了我",
    "门口有陌生人徘徊了很久",
    "楼下两辆车剐蹭了，没人受伤",
    "不知道有没有人受伤",
    "家里老人和儿子因为房子吵起来，儿子拿了菜刀",
    "钥匙丢了，孩子一个人被关在家里",
    "邻居的狗很吵，我去说了一句他就要打我",
    "楼道水管爆了，有人滑倒摔伤了",
)

# Nothing recognisable, or two things no rule orders: doubt stays with the police.
DOUBTFUL: tuple[str, ...] = (
    "",
    "   ",
    "你好",
    "喂喂，听得到吗",
)


def test_it_keeps_every_police_call_of_the_sample_with_the_police() -> None:
    police = [r for r in load_sample() if r["label"] == "POLICE"]
    diverted = [r["content"] for r in police if classify_call(r["content"]).decision != POLICE]
    assert len(police) > 50
    assert diverted == []


def test_it_diverts_at_least_90_percent_of_the_samples_other_calls_to_the_right_subtype() -> None:
    rows = [r for r in load_sample() if r["label"] != "POLICE"]
    right = [r for r in rows if classify_call(r["content"]).subtype == r["label"]]
    assert len(rows) > 100
    assert len(right) / len(rows) >= 0.90


def test_it_uses_the_vendored_copy_of_the_shared_sample() -> None:
    shared = Path("/work/shared/data/gulou/calls_110_sample.csv")
    if not shared.exists():
        pytest.skip("no shared data directory on this machine")
    assert SAMPLE.read_bytes() == shared.read_bytes()


# Left out as labelled differently by our two conventions: a quarrel over a parking space (0903
# in the sample, 0906 by the held-out sets' boundary rules, which the model also learns from) and
# a couple quarrelling loudly upstairs (noise or dispute); calls/data/README.md.
def test_it_diverts_paraphrased_situations_to_their_subtype() -> None:
    """The model is statistical: at least 85% of our paraphrases reach their sub-type, and the
    rest stay with the police (marked for the operator), at most one reaching a wrong one. (95%
    before the POLICE cap, 90% at cap 0.15; at 0.10, chosen for fewer police calls diverted on
    the held-out sets, 35 of 40. Trained on the spent sets too, a landlord's deposit goes to
    消费维权 at 52%, not the sample's 邻里纠纷: the spent sets, each held out, send 2.5% of their
    non-police calls to a wrong sub-type.)"""
    decisions = {content: classify_call(content) for content in DIVERTED}
    right = [c for c, d in decisions.items() if (d.decision, d.subtype) == (DIVERT, DIVERTED[c])]
    wrong = [c for c, d in decisions.items() if d.decision == DIVERT and d.subtype != DIVERTED[c]]
    assert len(right) / len(DIVERTED) >= 0.85, set(DIVERTED) - set(right)
    assert len(wrong) <= 1, wrong
    kept = [decisions[c] for c in DIVERTED if c not in right and c not in wrong]
    assert all(d.marked and d.reason.code == "unsure" for d in kept)


@pytest.mark.parametrize("content", DANGEROUS)
def test_it_keeps_paraphrased_dangerous_calls_with_the_police(content: str) -> None:
    decision = classify_call(content)
    assert (decision.decision, decision.subtype) == (POLICE, ""), decision.reason
    assert str(decision.reason).startswith("危险迹象")


@pytest.mark.parametrize("content", DOUBTFUL)
def test_it_keeps_calls_it_cannot_place_with_the_police(content: str) -> None:
    decision = classify_call(content)
    assert (decision.decision, decision.subtype) == (POLICE, ""), decision.reason


def test_it_says_why_in_a_short_chinese_reason() -> None:
    assert str(classify_call("有人在小区里挥着刀").reason) == "危险迹象：刀（凶器）"
    noise = classify_call("隔壁装修电钻从早响到晚")
    assert str(noise.reason).startswith("噪音扰民（模型，置信度 ")
    assert noise.why and noise.why[0][0] == "cue:装修施工噪音"  # the words that decided
    assert str(classify_call(vague_call()).reason).startswith("无法判断（模型建议")
    # A greeting says nothing yet: no model is asked, the operator hears the caller out.
    hello = classify_call("喂喂，你好，听得到吗")
    assert (hello.decision, hello.marked, hello.suggested) == (POLICE, True, "")
    assert str(hello.reason) == "未说明发生了什么，留给公安，请接警员查看"


# Short danger phrases with a person in them, to append to an otherwise divertable call.
DANGER_PHRASES: tuple[str, ...] = (
    "有人拿刀",
    "他把我打伤了",
    "我被骗了三万",
    "楼道冒出浓烟",
    "孩子找不到了",
    "有人要跳楼",
    "丈夫动手打人了",
    "有人在撬门",
    "门口有人扬言要杀人",
    "车祸有人受伤",
    "闻到煤气味",
    "老人晕倒了",
    "有人流血了",
    "小偷正在偷东西",
    "电梯里有人被困",
    "他们打起来了",
)
SEPARATORS = ("，", "。", "！", "；", " ", ",")


@given(
    st.sampled_from(sorted(c for c, s in DIVERTED.items())),
    st.sampled_from(DANGER_PHRASES),
    st.sampled_from(SEPARATORS),
    st.booleans(),
)
def test_it_sends_any_diverted_call_to_the_police_once_a_danger_sign_is_added(
    content: str, danger: str, separator: str, before: bool
) -> None:
    text = f"{danger}{separator}{content}" if before else f"{content}{separator}{danger}"
    assert classify_call(text).decision == POLICE, text
