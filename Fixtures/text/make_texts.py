#!/usr/bin/env python3
"""Writes the sample texts in Fixtures/text/ with Python's own codecs.

Run from anywhere: python3 Fixtures/text/make_texts.py. Each file is one sample
text encoded with Python's codec of the same name, lines ending in '\n'.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

SIMPLIFIED = ["你好，世界", "UDP 就像写信：地址、端口、内容，一次寄出。", "", "汉字 GBK 编码测试 · — ①"]
TRADITIONAL = ["你好，世界", "UDP 就像寫信：地址、埠、內容，一次寄出。", "", "繁體中文 Big5 測試"]
JAPANESE = ["こんにちは、世界", "UDP は手紙のようなもの：宛先、ポート、内容を一度に送る。", "", "ｶﾀｶﾅ 半角 テスト"]
LATIN = ["Grüße aus Köln", "café, naïve, façade", "", "£ ¥ © ° ± µ ¶"]

SAMPLES = {
    "gbk": SIMPLIFIED,
    "gb18030": SIMPLIFIED + ["GB18030 独有：𠀀 € ḿ"],
    "big5": TRADITIONAL,
    "shift_jis": JAPANESE,
    "latin-1": LATIN,
    "utf-8": SIMPLIFIED + TRADITIONAL + JAPANESE + LATIN + ["emoji 😀 and tab\tin a line", "control-free ending"],
}

for encoding, lines in SAMPLES.items():
    with open(os.path.join(HERE, encoding + ".txt"), "wb") as file:
        file.write("".join(line + "\n" for line in lines).encode(encoding))
