"""A keyword-rule baseline: a few bilingual patterns per label, as QA tools ship.

It is scored beside the model by ``motnlp evaluate`` so the model's gain is measured.
Rules are tried in order; the first match wins; unmatched turns get the speaker's
default label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .calls import Call
from .labels import AGENT

__all__ = ["KeywordBaseline"]

_AGENT_RULES: list[tuple[str, str]] = [
    ("explore.probe", r"为什么|什么原因|用来|用途|主要.*做什么|what.*for\b|\bwhy\b|what.*purpose|who.*(use|using)"),
    ("confirm", r"还有.*(帮|问题)|满意|解决了吗|可以吗|anything else|did that (help|solve)"
                r"|happy with|sort(ed)? (it|that) out"),
    ("listen.empathy", r"理解|抱歉|不好意思|着急|sorry|understand|frustrat|apolog"),
    ("listen.note", r"记录|记下|备注|记一下|note|write (that|this) down|logged|on (the|your) file"),
    ("listen.paraphrase", r"您的意思是|也就是说|所以.*对吗|so you|just to (check|confirm)|if i understand"),
    ("do", r"已经|正在|帮您.*了|办好|提交了|i'?ve (just )?(done|sent|made|reset|submitted|updated|processed)"
           r"|i'?m (now )?(sending|resetting|processing)"),
    ("offer", r"可以帮您|建议|我会|要不要|推荐|i can|i could|i'?ll|would you like|i recommend|we can"),
    ("explore.clarify", r"哪个|哪一|多少|什么时候|号码|which|what is your|how many|when did|can you tell me|number"),
    ("listen.backchannel", r"^(嗯|好的|明白|对|是的|了解|ok|okay|right|i see|got it|mm-?hm|uh-huh|sure)[。.!,，\s]*$"),
]
_CUSTOMER_RULES: list[tuple[str, str]] = [
    ("feeling", r"生气|太差|失望|着急|担心|烦|气死|ridiculous|frustrat|angry|worried|annoy|terrible|unacceptable"),
    ("need", r"因为|为了|下个月|孩子|公司|要用|because|so that|for my|my (son|daughter|kid|boss)|next week"),
    ("requirement", r"我想|我要|帮我|能不能|给我|i want|i'?d like|can you|please|i need"),
    ("feedback", r"^(好|行|可以|不行|没问题|太好了|就这么办)|that works|sounds good|perfect|no,? that|great"),
    ("other", r"^(喂|你好|谢谢|再见|好的|嗯|ok|okay|thanks|thank you|bye|hello|hi)[。.!,，\s]*$"),
]


class KeywordBaseline:
    """Label turns by the first matching keyword rule."""

    def __init__(self) -> None:
        self.agent_rules = [(label, re.compile(p, re.IGNORECASE)) for label, p in _AGENT_RULES]
        self.customer_rules = [(label, re.compile(p, re.IGNORECASE)) for label, p in _CUSTOMER_RULES]

    def label(self, speaker: str, text: str) -> str:
        """The label of one turn."""
        rules = self.agent_rules if speaker == AGENT else self.customer_rules
        for label, pattern in rules:
            if pattern.search(text.strip()):
                return label
        return "other" if speaker == AGENT else "info"

    def predict(self, calls: Sequence[Call]) -> list[list[str]]:
        """Labels for every turn of every call."""
        return [[self.label(t.speaker, t.text) for t in c.turns] for c in calls]
