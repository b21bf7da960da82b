"""The danger lexicon in callers' words: each kind of danger, said the way people call 110, keeps
the call with the police; each defuser lets through only the harmless phrase it names; and on
our own development set (tests/calls/data/dev_calls.csv, never the evaluation set) no police
call leaves the police."""

import csv
from pathlib import Path

import pytest

from outpost.calls.classify import (
    DIVERT,
    POLICE,
    POLICE_LABEL,
    classify_call,
    find_danger,
    normalise,
)

DEV = Path(__file__).resolve().parent / "data" / "dev_calls.csv"

# By kind, as callers describe it: the act, not the offence.
SAID: dict[str, tuple[str, ...]] = {
    "violence": (
        "他一拳打过来",
        "把我按在地上",
        "扇了我一巴掌",
        "他先上手的",
        "几个人围殴一个",
        "拿凳子砸过来",
        "踢了我肚子",
        "掐住我脖子",
        "两个人干起来了",
        "楼下在打捶",
    ),
    "injury": (
        "头上在流血",
        "人叫不醒了",
        "好像没呼吸了",
        "他晕倒了",
        "孩子在抽搐",
        "喘不过气来",
        "老人跶倒了起不来",
        "独居的老人敲门也不应",
        "他家门口的报纸也没人拿",
        "孩子噎住了，脸都青了",
        "独居的老人好几天没吃东西了",
        "他说要卸我一条腿",
        "网上订的猫没见着，又让我交运输费",
        "交了押金和房租，房东电话打不通了",
    ),
    "weapon_threat": ("他手里有把刀", "说要弄死我", "找人收拾我", "门上被泼了油漆"),
    "theft": (
        "电瓶车停在楼下，早上没了",
        "抽屉里钱少了三千",
        "手机被扒了",
        "有人翻窗进来",
        "骑车的从我手上把包拽走了",
        "回来门开着，我明明锁了的",
    ),
    "fraud": ("让我把钱转到安全账户", "刷单被骗", "验证码告诉对方了", "自称公安局的"),
    "self_harm": ("她说想不开", "要跳楼", "割腕了", "吃了一瓶安眠药", "说不想活了"),
    "traffic": ("被车刮倒了", "两车追尾", "货车侧翻了", "车轮碾到脚", "撞了人跑了"),
    "fire_gas": (
        "厨房着火了",
        "房子烧起来了",
        "楼道冒烟",
        "车自燃了",
        "好像爆炸了",
        "一股煤气味",
        "燃气味很重",
        "液化气罐漏了",
        "电线冒火花",
        "路边的电线断了垂到地上",
    ),
    "missing": ("孩子没回家", "老人走丢了", "我女儿联系不上", "小伢子不见了"),
    "trapped": ("人困在电梯里", "孩子被锁在车里", "我们出不来了", "小孩手卡住了", "被压住了"),
    "spiking": ("有人往我杯子里放东西", "被人下药了", "喝了一杯就头晕"),
    "abuse_harassment": ("孩子天天挨打", "老公打我", "有人摸我", "一直跟着我", "被偷拍了"),
    "animal_bite": ("被狗咬伤了", "狗追着人咬", "腿上被咬得流血"),
    "body": ("楼道里躺着一个人", "河里漂着个人", "人好像死了"),
    "drunk_mad": ("醉汉在拦车", "精神病人拿砖头", "喝醉了在闹事"),
    "crowd": ("一群人要打起来", "好多人推推搡搡", "聚众闹事"),
    "child_lure": ("有人拉小孩", "往车上带孩子", "孩子被不认识的人领走了"),
    "traditional": ("樓下有人打架", "老人暈倒了", "我兒子聯繫不上", "有人闖進我家", "屍體"),
    # The second red team of 2026-12-07: what its calls said that no sign read.
    "red_team_2": (
        "他举着个啤酒瓶要打人",
        "他拿剪刀扎了我一下",
        "我老婆羊水破了",
        "我爸半边脸动不了",
        "他把我脑袋往墙上磕",
        "她喝了半瓶敌敌畏",
        "包被人抢过去就跑了",
        "对面有人拿望远镜往我家看",
        "车胎让人划破了",
        "老人被电动车带了个跟头",
        "厨房有股臭鸡蛋的味道",
    ),
}
PHRASES = tuple(p for phrases in SAID.values() for p in phrases)


@pytest.mark.parametrize("kind", sorted(SAID))
def test_it_reads_each_kind_of_danger_as_callers_say_it(kind: str) -> None:
    missed = [p for p in SAID[kind] if find_danger(normalise(p)) is None]
    assert missed == []


# Each defuser: the harmless phrase passes, the dangerous one next to it does not.
DEFUSED: tuple[tuple[str, str], ...] = (
    ("电梯坏了，没人被困", "电梯坏了，有人被困"),
    ("路边有只受伤的小鸟", "路边有个受伤的老人"),
    ("树上的猫被困住了", "孩子被困在树上了"),
    ("楼下两只猫打架", "楼下两个人打架"),
    ("走失的老人已经找到了", "走失的老人还没找到"),
    ("钥匙丢了", "孩子丢了"),
    ("我家的狗跑丢了", "我家孩子走丢了"),
    ("邻居家烧菜的烟味飘过来", "楼道里一股烟味"),
    ("以为钱包被偷了，后来发现是忘拿了", "钱包被偷了"),
    ("小区停电了，电梯停了，没人被困", "小区停电了，有人困在电梯里"),
    ("燃气灶打不着火", "燃气灶着火了"),
    ("水管爆了", "煤气罐爆了"),
    ("前面车把我堵死了", "前面那个人好像死了"),
    # Added when the spent held-out sets became training data (calls/data/README.md).
    ("家里进了一条小蛇，没咬人", "家里进了一条小蛇，咬人了"),
    ("燃气停了，没闻到煤气味", "燃气停了，闻到煤气味"),
    ("手机是落在车上的，不是被偷的", "手机是被偷的"),
    ("台阶松了，有个小孩差点绊倒", "台阶松了，有个小孩绊倒了"),
    ("客服一直踢皮球", "客服让我转账"),
    ("洗车店高压水枪早上就开始响", "有人拿着枪"),
    ("老人刚才迷路了现在已经接回来了", "老人刚才迷路了"),
    ("有只狗在马路中间乱跑", "有个老人在马路中间"),
    ("有只鸽子飞进来晕了", "有个孩子跑进来晕了"),
    ("花坛里死了一只猫", "花坛里死了一个人"),
    ("外墙瓷砖掉下来一块", "有个人从楼上掉下来"),
    ("对门装摄像头说是防小偷", "对门进了小偷"),
    ("燃气灶火苗很小", "燃气灶冒火苗"),
    ("换了表以后灶点不着了", "灶台那边烧着了"),
    ("钥匙锁屋里了，煤气也关了", "钥匙锁屋里了，煤气没关"),
    ("窗户玻璃裂了，怕掉下来", "窗户玻璃掉下来了"),
    ("刚才砰砰响，还以为打起来了，原来是装修", "刚才砰砰响，打起来了"),
    ("我家的猫卡在空调外机后面出不来", "我家孩子卡在空调外机后面出不来"),
    ("邻居家的鹦鹉天天尖叫", "邻居家的女人天天尖叫"),
    ("楼下药店卖过期药", "有人在我酒里下药"),
    ("自来水一股漂白粉味", "楼下有人卖白粉"),
    ("暂无人被咬，请处理流浪狗", "有人被咬了，流浪狗还在"),
    ("野猫天天半夜打架", "两个男的天天半夜打架"),
    ("楼上的花盆掉下来了", "楼上的老人掉下来了"),
    ("楼上的花盆掉下来了，没砸到人", "有人从窗户掉下来了"),
    ("瓷砖砸在楼下车棚顶上", "瓷砖砸在他头上"),
    ("垃圾桶砸得乒乒乓乓", "有人在砸我家门"),
    ("孩子的出生证明弄丢了", "孩子弄丢了"),
    ("打雷以后停电了，没有电线掉下来", "打雷以后停电了，电线掉下来了"),
    ("对面楼有人打架子鼓", "对面楼有人打架"),
    ("我推我妈的轮椅过不去", "他推我妈，轮椅翻了"),
    ("一辆僵尸车停了半年", "草丛里有具尸体"),
    ("卡作废了要重新办", "他说要把我废了"),
    ("老人拄着拐走不了", "孩子被人拐走了"),
    ("孩子的医保卡找不着了", "厨房的锅着了"),
    ("自来水有股消毒水的味道", "孩子误喝了消毒水"),
    ("门嘭一下甩上，差点夹到小孩手", "门把小孩手夹到了"),
    ("以为进贼了，原来是老公忘了关门", "家里进贼了，门是撬开的"),
    ("我车出不去，出口被堵了", "我出不去，门被人从外面锁了"),
    ("物业说要砍竹子", "他说要砍人"),
    ("楼上打麻将，吵得人困不着觉", "孩子困在屋里出不来"),
    ("河边有只受伤的野鸭子", "河边有个受伤的老人"),
    ("网上买的衣服不肯退，不是骗子，就是耍赖", "网上买衣服被骗子骗了钱"),
    ("电闸跳了，没焦味也没冒烟", "电闸那里一股焦味"),
    ("瓷砖掉我头上了，没砸伤", "瓷砖掉下来砸伤了人"),
    ("楼下砰砰响，我还以为是枪响", "楼下有人拿着枪"),
    ("我把自己锁在门外了", "我被人锁在屋里了"),
    ("隔壁天天在公用水池杀鱼", "隔壁说要杀了我"),
    ("排风扇太响，窗户关死了都挡不住", "楼下关着的那个人死了"),
    ("停气检修，没有燃气泄漏的气味", "燃气泄漏了，一股味道"),
    ("他们吵得很凶，没摔东西也没打人", "他们吵得很凶，摔东西打人"),
    ("不是他偷的，是我落下的", "是他偷的，我看见了"),
    ("门卫看了一圈，没看到哪里冒烟", "门卫看了一圈，楼顶冒烟了"),
    ("楼下没有烟也没有火，是报警器坏了", "楼下有烟，好像着火了"),
    ("我把钥匙反锁在屋里了", "我被人反锁在屋里了"),
    ("我妈坐轮椅出不去，坡道被车堵了", "我妈被关在屋里出不去"),
    ("户口本一时找不到了", "我儿子一时找不到了"),
    ("不知道该不该打你们这里", "他说要打你"),
    ("商家电话打得通，就是不退钱", "老板娘被打得满脸是血"),
    ("保安让我把车挪到外面去", "客服让我把钱挪到安全账户"),
    ("我跟两个陌生人合租", "楼下有个陌生人一直在敲门"),
    ("这个死亡电梯天天抖", "电梯里有人死亡"),
    ("车夹得一拳头的缝都没有", "他一拳打在我脸上"),
    ("广场舞吵得我脑子都要炸了", "楼下煤气罐炸了"),
    ("墙上爬了只壁虎，巴掌那么大", "他扇了我一巴掌"),
    ("楼下的对讲机没声音了", "敲了半天，屋里的老人没声音了"),
    ("电表箱被关在他家铁门里", "孩子被关在他家铁门里"),
    ("物业说找不到车主", "家里老人找不到了"),
    ("楼顶有人养了一群鸽子", "楼顶有人站着，说不想活了"),
    ("小区的狗还没咬到人", "小区的狗咬到人了"),
    ("邻居家的狗扑上来把我吓一跳", "有个男的扑上来抢我的包"),
    ("刺蝟，好像受傷了", "那个人好像受傷了"),
    ("井里掉进去一只小猫", "井里掉进去一个小孩"),
    ("天然气灶的火苗就一点点", "天然气灶那边冒火苗"),
    ("一瘸一拐的白鹭", "有人拐走了孩子"),
    ("电梯停了，老人下不来楼", "电梯停了，老人困在里面"),
    ("健身房老板跑路了，卡里还有钱", "健身房老板被人打了"),
    ("围墙的砖头松了掉下来", "有人拿砖头砸车"),
    ("一只流浪狗咬了我家狗", "一只流浪狗咬了我家孩子"),
    ("打他电话他不接", "他冲上来打他"),
    ("楼上蹦迪，震得我头都晕", "楼上的老人头一晕倒了"),
    ("新买的电瓶就不行了", "老人喘着气说不行了"),
    ("两家为了楼道闹翻了", "电动车翻了，人压在下面"),
    ("闭门器坏了，门砰砰的撞", "骑车的被开门撞倒了"),
    ("对门的门一开就撞到我家门", "对门的人一开门就撞到我了"),
    ("我的车被别的车夹在中间", "孩子的手被门夹住了"),
    ("救护车进来都费劲，通道被占了", "快叫救护车，人不行了"),
    ("有人用砖头占车位", "有人拿砖头砸车"),
    ("楼上往下泼洗菜水", "有人往我家门上泼油漆"),
    ("楼顶上有个很大的马蜂窝", "楼顶上有个人坐在边上"),
    ("井盖翘起来，还没人掉下去", "井盖翘起来，有人掉下去了"),
    ("下水道里有只小猫，好像掉下去了", "下水道那边有个孩子，好像掉下去了"),
    ("楼下的野猫，晚上打架叫春", "楼下的醉汉，晚上打架叫骂"),
    ("邻居天天抽烟，烟味飘过来", "楼道里一股烟味，不知道哪里来的"),
    ("配电箱上写着检修", "配电箱那里烧着了"),
    ("狗被车撞死了，躺在路边", "有人被车撞了，躺在路边"),
    ("差点撞上车屁股，没撞上", "电动车撞上了人"),
    ("电梯按钮失灵了，没人在里面", "电梯不动了，我爸在里面"),
    ("对门的八哥天天学人喊救命", "对门的老太太天天喊救命"),
    ("他把我家地垫踢到一边", "他一脚踢在我肚子上"),
    ("楼下有个磨剪子戗菜刀的", "楼下有个人拿着菜刀"),
    ("新买的高压锅阀门漏气", "厨房的燃气管漏气"),
    ("外面马路上自来水主管道爆了", "楼下的煤气罐爆了"),
    ("隔壁天天放打仗的片子", "楼下两个人打仗一样"),
    ("剧本杀店关门了，卡里还有钱", "他说要杀了我"),
    ("楼上往下扔瓜子壳", "楼上往下扔花盆"),
    ("我家狗腿上有点血，人没事", "我家孩子腿上有点血"),
    ("车钥匙掉进下水道了", "孩子掉进下水道了"),
    ("有人把摩托车锁在我车位上", "有人把孩子锁在车里"),
    ("我六十岁了，还能献血吗", "我头上在流血"),
    ("酒吧门口的烟雾机一直喷", "楼道里烟雾很大"),
    ("工地在电焊，火花一闪一闪", "电线冒火花"),
    ("怕万一哪天有人关在里面", "有人关在里面出不来"),
    ("我还当有人放枪呢，是摩托车", "楼下有人拿枪"),
    ("差点来报失踪，她刚回消息了", "室友失踪一天了"),
    ("屋檐下掉下来一只小燕子", "阳台上掉下来一个小孩"),
    ("门一直自己哐哐撞", "门被人一直哐哐撞开了"),
    ("电梯停了，里面没有人，物业电话打不通", "我妈出门买菜，到现在电话打不通"),
)


# Denials the rule does not take back: callers report them as the other side's words ("他说这不是
# 威胁", "他说他没偷拍", "他没打我，打的是我儿子"), so the call stays with the police.
NOT_DENIED = ("他说这不是威胁，就是提醒我", "他说他没偷拍", "他没打我，打的是我儿子")


@pytest.mark.parametrize("call", NOT_DENIED)
def test_it_does_not_take_back_what_the_other_side_denies(call: str) -> None:
    assert find_danger(normalise(call)) is not None


@pytest.mark.parametrize(("harmless", "dangerous"), DEFUSED)
def test_it_lets_only_the_named_harmless_phrase_through(harmless: str, dangerous: str) -> None:
    assert find_danger(normalise(harmless)) is None, find_danger(normalise(harmless))
    assert find_danger(normalise(dangerous)) is not None


# Everyday words that share characters with the lexicon: the look-aheads exempt them.
EVERYDAY: tuple[str, ...] = (
    "孩子刚睡着了楼上就开始吵",
    "楼下打掼蛋太吵",
    "有辆车堵门口了",
    "想请人把马蜂窝捅掉",
    "燃气灶打火打不着",
    "楼道灭火器过期了",
    "楼上手机铃声一直响",
    "楼下小孩踢球砰砰响",
    "电扇声音太大",
    "楼下烧烤店排风机太吵",
    "老人想问血压计哪里修",
    "隔壁吵死了",
    "流浪狗追着人叫",
    # A reviewer's probes of the second red team's signs (2026-12-07).
    "买的西瓜开瓢一看是生的，老板不给退",
    "邻居拎着啤酒瓶在楼道里唱歌",
    "物业让人拆走了鞋柜",
    "空调开了一晚上，我明明关了",
    "开了家烧烤店，十一点明明关门了还在吵",
    "明明关了灯，楼道灯还开着",
    "仙人掌扎了我一下",
    "气得嘴都歪了",
)


@pytest.mark.parametrize("content", EVERYDAY)
def test_it_does_not_read_everyday_words_as_danger(content: str) -> None:
    assert find_danger(normalise(content)) is None


def dev_rows() -> list[dict[str, str]]:
    with DEV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_has_a_development_set_of_both_kinds_in_many_voices() -> None:
    rows = dev_rows()
    police = [r for r in rows if r["label"] == POLICE_LABEL]
    assert len(rows) >= 200 and len(police) >= 100 and len(rows) - len(police) >= 100
    assert {r["label"] for r in rows} == {POLICE_LABEL} | {f"090{i}" for i in range(1, 9)}


def test_it_keeps_every_police_call_of_the_development_set_by_the_danger_rule() -> None:
    police = [r["content"] for r in dev_rows() if r["label"] == POLICE_LABEL]
    assert [c for c in police if find_danger(normalise(c)) is None] == []


def test_it_diverts_most_other_calls_of_the_development_set_and_none_to_the_police_wrongly() -> (
    None
):
    """Measured when the cap was 0.15: 84 of 103 right, 16 kept, 3 to a wrong sub-type; at cap
    0.10 (fewer police calls diverted on the held-out sets) 77 right."""
    rows = [r for r in dev_rows() if r["label"] != POLICE_LABEL]
    decisions = [(r["label"], classify_call(r["content"])) for r in rows]
    right = [label for label, d in decisions if (d.decision, d.subtype) == (DIVERT, label)]
    wrong = [label for label, d in decisions if d.decision == DIVERT and d.subtype != label]
    assert len(right) / len(rows) >= 0.72
    assert len(wrong) <= 5
    assert all(d.decision in (DIVERT, POLICE) for _, d in decisions)


# Denials and resolved states: the danger word is said as what did NOT happen. Each pair: the
# denied call passes the rule; the same call with a real danger sign in another clause does not.
# Broader denials (没闻到煤气味, 不是着火, 没打架, 没咬人, a beeping smoke alarm, an animal lying
# hurt) were tried and withdrawn: with them the rule let more police calls of the unseen sets
# through (see outpost/calls/data/README.md). Such calls stay with the police, marked.
DENIED: tuple[tuple[str, str], ...] = (
    ("跟邻居为了漏水吵了几句，没有人受伤", "跟邻居为了漏水吵了几句，没有人受伤，他手里拿着刀"),
    ("电梯停在两层中间，里面没人", "电梯停在两层中间，里面没人，楼道里着火了"),
    ("电梯坏了，没人困在里面", "电梯坏了，没人困在里面，但是有个孩子卡在门缝"),
    ("走失的老人已经找到了，想问怎么登记", "走失的老人已经找到了，可是孙子又不见了"),
    ("有只猫卡在防盗窗里出不来", "有个小孩卡在防盗窗里出不来"),
    ("打车主电话打不通，车挡着我家门", "车主电话打不通，我儿子一夜没回家，电话也打不通"),
)
WITHDRAWN: tuple[str, ...] = (
    "没闻到煤气味，但是厨房冒烟了",
    "两个老太太吵起来了，没打架，一个晕倒了",
    "烟感一直响，是电池没电了，屋里全是烟",
    "不是着火，是有人把煤气罐打开了",
    "有只大狗没拴绳，它没咬人，把老人扑倒了",
    "楼道里躺着一个腿受伤的老人",
)


@pytest.mark.parametrize(("denied", "dangerous"), DENIED)
def test_it_reads_a_denied_danger_word_as_no_danger_but_a_real_sign_beside_it_as_danger(
    denied: str, dangerous: str
) -> None:
    assert find_danger(normalise(denied)) is None, find_danger(normalise(denied))
    assert find_danger(normalise(dangerous)) is not None


@pytest.mark.parametrize("dangerous", WITHDRAWN)
def test_it_keeps_a_real_danger_sign_said_beside_a_denial(dangerous: str) -> None:
    assert find_danger(normalise(dangerous)) is not None


# A denial takes back only the word right after it, in its own clause: a question, a wait, or a
# denial in another clause does not.
NOT_DENIED: tuple[str, ...] = (
    "有没有人受伤我也不知道",
    "还没动手，快打起来了",
    "没有，他真的受伤了",
    "没有办法，人被困在电梯里",
    "我没事，我老公在流血",
    "没人管，他一直在打孩子",
    "没闻到，但是有人晕倒了",
    "人没有呼吸了",
    "小区停电了，我爸用的呼吸机电池快没电了",
    "门上贴了缴费通知，我扫码交了，物业说不是他们贴的",
    "网上贷款交了保证金又要交，我是不是被骗了",
    "燃气报警器一直在响，屏上显示浓度超标",
    "有人在我家门口放了拌了老鼠药的肉",
    "穿自来水公司衣服的人收了押金走了，公司说没有这个人",
    "他没气了",
    "没有，楼上冒烟了",
)


@pytest.mark.parametrize("content", NOT_DENIED)
def test_it_keeps_a_danger_word_a_denial_does_not_reach(content: str) -> None:
    assert find_danger(normalise(content)) is not None
