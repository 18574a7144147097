"""Tokenizer and normalizer: jieba for Chinese, spaCy for English, mixed and Traditional."""

from __future__ import annotations

from motnlp.normalize import Normalizer, detect_lang
from motnlp.tokenize import Tokenizer


def test_chinese_uses_domain_dictionary(tokenizer) -> None:
    assert "国际漫游" in tokenizer.tokenize("我想开通国际漫游。", "zh")
    assert "套餐" in tokenizer.tokenize("帮我换个便宜点的套餐", "zh")


def test_traditional_is_normalized_to_simplified(tokenizer) -> None:
    assert tokenizer.tokenize("我想開通國際漫遊", "zh") == tokenizer.tokenize("我想开通国际漫游", "zh")


def test_english_uses_spacy_rules(tokenizer) -> None:
    assert tokenizer.tokenize("I've just sent it, haven't I?", "en") == [
        "i", "'ve", "just", "sent", "it", ",", "have", "n't", "i", "?"]


def test_code_switched_turn_keeps_both_scripts(tokenizer) -> None:
    tokens = tokenizer.tokenize("我的VPN连不上了，can't log in", "zh")
    assert "vpn" in tokens and "连不上" in tokens and "ca" in tokens and "n't" in tokens
    assert tokenizer.tokenize("Please call 张三 back.", "en") == ["please", "call", "张", "三", "back", "."]
    # jieba's HMM (off by default, see Tokenizer) guesses the unknown name as one word
    assert "张三" in Tokenizer(hmm=True).tokenize("Please call 张三 back.", "en")


def test_full_width_is_folded(tokenizer) -> None:
    assert tokenizer.tokenize("ＶＰＮ　１２３", "zh") == ["vpn", "123"]


def test_user_dictionary_is_per_instance(tmp_path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("云桌面助手 5000 n\n", encoding="utf-8")
    custom, plain = Tokenizer(user_dicts=[words]), Tokenizer()
    assert "云桌面助手" in custom.tokenize("云桌面助手打不开", "zh")
    assert "云桌面助手" not in plain.tokenize("云桌面助手打不开", "zh")
    plain.add_word("打不开了")
    assert "打不开了" in plain.tokenize("云桌面助手打不开了", "zh")


def test_detect_lang_by_script_ratio() -> None:
    assert detect_lang(["我的VPN和APP都连不上，OK吗"]) == "zh"
    assert detect_lang(["My name is 王伟 and my card is blocked"]) == "en"
    assert detect_lang([]) == "en"


def test_normalizer_collapses_space_and_width() -> None:
    assert Normalizer()("  Ｈｅｌｌｏ　 世界\n ") == "Hello 世界"
