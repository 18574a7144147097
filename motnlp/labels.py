"""The label sets of the MOT labelling manual (``mot-guidelines.md``)."""

from __future__ import annotations

__all__ = [
    "AGENT",
    "AGENT_LABELS",
    "COARSE",
    "CUSTOMER",
    "CUSTOMER_LABELS",
    "SPEAKERS",
    "coarse",
    "labels_for",
]

AGENT = "agent"
CUSTOMER = "customer"
SPEAKERS = (AGENT, CUSTOMER)

AGENT_LABELS: tuple[str, ...] = (
    "explore.probe",
    "explore.clarify",
    "offer",
    "do",
    "confirm",
    "listen.backchannel",
    "listen.paraphrase",
    "listen.empathy",
    "listen.note",
    "other",
)

CUSTOMER_LABELS: tuple[str, ...] = (
    "requirement",
    "need",
    "feeling",
    "info",
    "feedback",
    "other",
)

#: Coarse EODC phase of each agent label.
COARSE: dict[str, str] = {
    "explore.probe": "explore",
    "explore.clarify": "explore",
    "offer": "offer",
    "do": "do",
    "confirm": "confirm",
    "listen.backchannel": "listen",
    "listen.paraphrase": "listen",
    "listen.empathy": "listen",
    "listen.note": "listen",
    "other": "other",
}


def labels_for(speaker: str) -> tuple[str, ...]:
    """Return the label set that applies to turns of ``speaker``."""
    return AGENT_LABELS if speaker == AGENT else CUSTOMER_LABELS


def coarse(label: str) -> str:
    """Map an agent label to its coarse phase (explore/offer/do/confirm/listen/other)."""
    return COARSE.get(label, "other")
