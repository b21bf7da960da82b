"""Traditional characters a caller may type, folded to simplified before anything reads the call.

The danger signs and the model's n-grams are written in simplified Chinese; "車禍" must read as
"车祸" for the rule to keep the call with the police. OpenCC's t2s converts every character (刺蝟,
花壇, 隻 were missed by a table of our own); the table below then folds what OpenCC leaves as a
valid simplified form but our vocabulary writes otherwise (著火 → 着火).
"""

from functools import cache

import opencc

# Each traditional character above the simplified one below it, in the same order.
_TRADITIONAL = (
    "車禍撞傷險燒氣電門樓層鄰裡裏無沒會個們來時對說話過還這這從後見問題開關幫為邊書場處讓讀"
    "請鍵鎖鑰匙壞漏裝噪聲響亂聽聞嗎媽爺奶孫兒寶嬰學術師傅員隊區鎮縣街鄉寓單棟號戶層廳衛廚陽臺"
    "臺燈線網絡錢銀賬轉匯騙詐搶竊盜殺槍劍刀傷醫藥療診護報警災難險急救殘溺觸滅爐煙霧熱濕溫涼"
    "飛鳥雞鴨鵝貓獸蟲蛇蜂龍馬驢豬魚龜"
    "東西買賣貨價費貴賤質費賠償費錯誤對錯認識記憶夢覺醒睏睡鬧吵罵鬥毆暴兇惡嚇脅綁綁擊殺"
    "當幾點鐘頭臉腦腳頸嚨體髒膽腸腎膚讓讓鬆緊輕軌輛駕駛違禁停車場遞郵發條裡歲數據態權維"
    "滿淹積澇漲潮濕蓋窨邊遠近們動靜減滅復麼麽盞燈亮黃綠紅藍紫顏圍牆磚窗簾櫃櫥櫥廁塊範"
    "專業務勞動產權屬証證據辦補戶籍護照簽註銷辦理諮詢詢諮詢幫這種樣麼嗎哪裏"
    "擾訴舊狀間張長風鍋廣紛糾爭執調團顧鐵閘閉視頻監嚴著"
    # The danger lexicon's acts and states: 暈倒, 壓住, 闖進, 騷擾, 跟蹤, 驗證碼, 聯繫不上
    "暈壓闖衝進癡瘋騷蹤隨攝強墜靈彈驗碼帶領跡聯繫係機喚嘔夾現屍驚颳輾軋掙摟窩劃綑喪懸撲滾稱贓闆陣擠棄貸餘額謊歐擄將許齒燙灘湧淺濃燜熗燻熾賊搗斃僱親紮貼錄傢剎"
)
_SIMPLIFIED = (
    "车祸撞伤险烧气电门楼层邻里里无没会个们来时对说话过还这这从后见问题开关帮为边书场处让读"
    "请键锁钥匙坏漏装噪声响乱听闻吗妈爷奶孙儿宝婴学术师傅员队区镇县街乡寓单栋号户层厅卫厨阳台"
    "台灯线网络钱银账转汇骗诈抢窃盗杀枪剑刀伤医药疗诊护报警灾难险急救残溺触灭炉烟雾热湿温凉"
    "飞鸟鸡鸭鹅猫兽虫蛇蜂龙马驴猪鱼龟"
    "东西买卖货价费贵贱质费赔偿费错误对错认识记忆梦觉醒困睡闹吵骂斗殴暴凶恶吓胁绑绑击杀"
    "当几点钟头脸脑脚颈咙体脏胆肠肾肤让让松紧轻轨辆驾驶违禁停车场递邮发条里岁数据态权维"
    "满淹积涝涨潮湿盖窨边远近们动静减灭复么么盏灯亮黄绿红蓝紫颜围墙砖窗帘柜橱橱厕块范"
    "专业务劳动产权属证证据办补户籍护照签注销办理咨询询咨询帮这种样么吗哪里"
    "扰诉旧状间张长风锅广纷纠争执调团顾铁闸闭视频监严着"
    "晕压闯冲进痴疯骚踪随摄强坠灵弹验码带领迹联系系机唤呕夹现尸惊刮碾轧挣搂窝划捆丧悬扑滚称赃板阵挤弃贷余额谎欧掳将许齿烫滩涌浅浓焖炝熏炽贼捣毙雇亲扎贴录家刹"
)

assert len(_TRADITIONAL) == len(_SIMPLIFIED)
FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """The text with its traditional characters written in simplified."""
    return _converter().convert(text).translate(FOLD)
