"""The guitar note classes, their order in model outputs, and how metadata names map onto them."""
from __future__ import annotations

CLASSES: tuple[str, ...] = ("harmonic", "dead_note", "general_note")
"""Output order of every guitar model: index i of the logits is CLASSES[i]."""

CLASS_INDEX = {name: i for i, name in enumerate(CLASSES)}

EXPRESSION_TO_CLASS = {"HA": "harmonic", "DN": "dead_note"}
"""IDMT-SMT-Guitar expression styles with a class of their own; every other style (NO, VI, BE, SL) is general_note."""


def class_of(label_category: str | None, expression_style: str | None = None) -> str | None:
    """The class of a metadata row: label_category when given, else derived from expression_style; None if unknown."""
    label = (label_category or "").strip().lower()
    if label:
        return label if label in CLASS_INDEX else None
    style = (expression_style or "").strip().upper()
    if not style:
        return None
    return EXPRESSION_TO_CLASS.get(style, "general_note")
