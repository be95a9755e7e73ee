"""Word lists for finding story characters: generic Chinese vocabulary, not names from our samples."""

# Creatures that act in children's stories; longer words first so that 猫头鹰 wins over 猫.
ANIMALS = sorted(
    """
    猫头鹰 啄木鸟 长颈鹿 北极熊 大熊猫 毛毛虫 萤火虫 七星瓢虫 小蝌蚪 蝌蚪 袋鼠 考拉 企鹅 海豚 海豹
    兔子 白兔 灰兔 狐狸 乌龟 海龟 松鼠 猴子 大象 狮子 老虎 斑马 河马 犀牛 骆驼 熊猫 刺猬 鼹鼠
    老鼠 田鼠 仓鼠 青蛙 蛤蟆 燕子 麻雀 喜鹊 乌鸦 鸽子 老鹰 孔雀 鹦鹉 天鹅 大雁 黄鹂 百灵 翠鸟
    鸭子 小鸭 公鸡 母鸡 小鸡 山羊 绵羊 羊羔 小羊 小牛 水牛 黄牛 奶牛 小马 斑鸠 狼狗 小狗
    蜜蜂 蝴蝶 蚂蚁 蜻蜓 蜗牛 蜘蛛 瓢虫 蚯蚓 螃蟹 章鱼 鲸鱼 金鱼 鲤鱼 鲨鱼 恐龙 獾 水獭 浣熊
    狗熊 黑熊 棕熊 狗 猫 熊 狼 鹿 猪 羊 牛 马 兔 龟 鸭 鹅 鸡 鸟 鱼 虎 狮 猴 象 鼠 蛇 龙
    """.split(),
    key=len,
    reverse=True,
)

# Kinship and role words that name a character by what they are to the child or the village.
KIN_ROLES = sorted(
    """
    老爷爷 老奶奶 老婆婆 老公公 老伯伯 老渔夫 老木匠 老船长
    爷爷 奶奶 外公 外婆 姥姥 姥爷 爸爸 妈妈 哥哥 姐姐 弟弟 妹妹 叔叔 阿姨 伯伯 舅舅 舅妈 姑姑 婶婶
    表哥 表姐 表弟 表妹 堂哥 堂姐 堂弟 堂妹 大爷 大妈 大娘 大伯 大叔 大婶 阿公 阿婆 阿嬷
    老师 校长 医生 大夫 护士 警察 警官 园长 农夫 渔夫 猎人 樵夫 船夫 船长 木匠 厨师 司机 邮递员
    国王 王后 公主 王子 魔法师 巫婆 仙女 师傅 老板 村长
    渔父 渔翁 老翁 老妪 书生 秀才 牧童 樵夫 和尚 道士 将军 皇帝 县令
    """.split(),
    key=len,
    reverse=True,
)

# Words that a kinship term can be glued to as a title (李老师, 王爷爷).
TITLE_ROLES = {
    "老师", "医生", "爷爷", "奶奶", "叔叔", "阿姨", "伯伯", "校长", "护士", "大夫", "警官", "大爷", "大妈",
    "大娘", "大伯", "大叔", "大婶", "师傅", "老板", "村长", "船长",
}

COLOURS = "白黑灰红黄绿蓝紫棕褐金银花"
SIZE_PREFIXES = "小老大"

# The most common Chinese surnames (about 85% of the population), single characters.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

# Verbs of speech: a word right before one of these (or before ：“) is someone speaking.
SPEECH_VERBS = ("说", "问", "喊", "叫道", "答", "笑道", "道", "回答", "嚷", "想", "哼", "叹")
# Adverbs that may stand between a speaker and the verb (玻璃杯小声问).
SPEECH_ADVERBS = ("小声", "大声", "轻轻", "轻声", "悄悄", "笑着", "急忙", "连忙", "赶紧", "也", "又", "就", "却", "还")
# Last characters of words jieba's HMM invents from a name and a verb (直叫, 地笑, 齐声): not names.
VERBISH_ENDINGS = tuple("叫笑说道问喊哭着了地得声进出来去起到上下里过看想走跑跳")

# Plural or collective markers: 同学们, 动物们 are groups, not characters.
GROUP_SUFFIXES = ("们", "群", "家")

# Nouns that turn an animal word into a thing: 鲤鱼风筝 is a kite, 兔子灯 a lantern.
THING_SUFFIXES = ("风筝", "灯笼", "灯", "玩偶", "玩具", "图案", "形状", "毛", "肉", "汤", "皮", "尾巴", "窝", "洞", "船")

PRONOUNS = {"他": "male", "她": "female", "它": "neutral", "牠": "neutral"}

# Kin and role words that say the character's sex; used for descriptions.
KIN_GENDER = {
    **dict.fromkeys(
        "奶奶 外婆 姥姥 妈妈 姐姐 妹妹 阿姨 姑姑 婶婶 舅妈 表姐 表妹 堂姐 堂妹 大妈 大娘 大婶 阿婆 阿嬷 老奶奶 老婆婆 "
        "老妪 王后 公主 巫婆 仙女".split(), "female"),
    **dict.fromkeys(
        "爷爷 外公 姥爷 爸爸 哥哥 弟弟 叔叔 伯伯 舅舅 表哥 表弟 堂哥 堂弟 大爷 大伯 大叔 阿公 老爷爷 老公公 老伯伯 "
        "渔父 渔翁 老翁 国王 王子".split(), "male"),
}
