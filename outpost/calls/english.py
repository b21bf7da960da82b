"""English words in a call (英文夹杂), read as the Chinese a caller would otherwise have said.

Callers from abroad and young callers mix English into their Mandarin ("有人 fight", "my
passport 丢了", "elevator broken 三天了"). The danger rule and the model read Chinese, so a
known English word is replaced by its Chinese before either looks: "knife" must keep a call with
the police as "刀" does. Words not listed stay as they are (KTV, SUV and app are read as written).
Spaces around a replaced word go with it: they separate the languages, not clauses.
"""

from __future__ import annotations

import re

# Danger words first: each is read as a word the danger rule knows. Phrases come before their
# words (a fire door is a door).
_DANGER = {
    "fire door": "防火门",
    "fire exit": "消防通道",
    "fire lane": "消防通道",
    "fire alarm": "消防报警器",
    "smell gas": "闻到燃气味",
    "gas smell": "燃气味",
    "smells like gas": "有燃气味",
    "gas leak": "燃气漏了",
    "there is smoke": "有烟",
    "there's smoke": "有烟",
    "want to die": "想死",
    "kill myself": "自杀",
    "suicide": "自杀",
    "heart attack": "心脏病",
    "can't breathe": "喘不过气",
    "cannot breathe": "喘不过气",
    "help me": "救我",
    "knife": "刀",
    "gun": "枪",
    "fight": "打架",
    "fighting": "打架",
    "hit": "打",
    "hitting": "打",
    "beat": "打",
    "kill": "杀",
    "stolen": "被偷的",
    "steal": "偷",
    "stole": "偷了",
    "thief": "小偷",
    "robbed": "被抢了",
    "robbery": "抢劫",
    "fire": "着火",
    "smoke": "烟",
    "blood": "血",
    "bleeding": "流血",
    "hurt": "伤",
    "injured": "受伤",
    "accident": "事故",
    "crash": "撞车",
    "breathe": "呼吸",
    "allergic": "过敏",
    "dead": "死了",
    "die": "死",
    "dying": "快死了",
    "missing": "失踪",
    "trapped": "被困",
    "stuck": "卡住",
    "scam": "诈骗",
    "fraud": "诈骗",
    "drunk": "醉汉",
    "follow": "跟着",
    "following": "一直跟着",
    "emergency": "急救",
    "ambulance": "救护车",
    "help": "帮忙",
}
# Everyday words of the sub-types, so that the model reads what the call is about.
_EVERYDAY = {
    "not": "不是",
    "me": "我",
    "my": "我的",
    "him": "他",
    "her": "她",
    "baby": "宝宝",
    "kid": "孩子",
    "child": "孩子",
    "mom": "妈妈",
    "dad": "爸爸",
    "walking": "遛",
    "pipe": "管",
    "no": "没有",
    "nobody": "没人",
    "elevator": "电梯",
    "lift": "电梯",
    "broken": "坏了",
    "building": "楼",
    "apartment": "公寓",
    "floor": "楼层",
    "stairs": "楼梯",
    "door": "门",
    "water": "水",
    "electricity": "电",
    "power": "电",
    "gas": "燃气",
    "leak": "漏",
    "fuse": "保险丝",
    "parking": "停车",
    "car": "车",
    "bike": "自行车",
    "bicycle": "自行车",
    "space": "位",
    "blocked": "堵了",
    "noise": "噪音",
    "noisy": "吵",
    "loud": "吵",
    "music": "音乐",
    "party": "聚会",
    "drilling": "电钻",
    "sleep": "睡觉",
    "neighbor": "邻居",
    "neighbour": "邻居",
    "landlord": "房东",
    "dog": "狗",
    "cat": "猫",
    "snake": "蛇",
    "bird": "鸟",
    "pet": "宠物",
    "lost": "丢了",
    "passport": "护照",
    "wallet": "钱包",
    "phone": "手机",
    "bag": "包",
    "key": "钥匙",
    "keys": "钥匙",
    "locked": "锁",
    "registration": "登记",
    "visa": "签证",
    "refund": "退款",
    "receipt": "小票",
    "shop": "店",
    "restaurant": "饭店",
    "money": "钱",
    "pay": "付",
    "paid": "付了",
    "bought": "买了",
    "fake": "假的",
}
ENGLISH: dict[str, str] = {**_DANGER, **_EVERYDAY}
_KEYS = sorted(ENGLISH, key=len, reverse=True)
_WORD = re.compile(
    r"\s*\b(" + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in _KEYS) + r")\b\s*",
    re.IGNORECASE,
)
_LATIN = re.compile(r"[A-Za-z]")
_SPACES = re.compile(r"\s+")


def read_english(text: str) -> str:
    """The text with each known English word replaced by its Chinese."""
    if not _LATIN.search(text):
        return text
    return _WORD.sub(lambda m: ENGLISH[_SPACES.sub(" ", m.group(1).lower())], text)
