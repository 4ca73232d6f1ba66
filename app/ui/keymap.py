"""Default keyboard shortcuts (one place to rebind them; QSettings overrides come later)."""
from __future__ import annotations

from app.domain.lanes import Lane

LANE_KEYS: dict[str, Lane] = {"0": Lane.KICK, "1": Lane.RED, "2": Lane.YELLOW, "3": Lane.BLUE, "4": Lane.GREEN}
"""Moonscraper-style: 0 = kick, 1-4 = red, yellow, blue, green (place or remove at the cursor)."""

SHORTCUTS: dict[str, str | list[str]] = {
    "new": "Ctrl+N",
    "open": "Ctrl+O",
    "save": "Ctrl+S",
    "save_as": "Ctrl+Shift+S",
    "quit": "Ctrl+Q",
    "undo": "Ctrl+Z",
    "redo": ["Ctrl+Y", "Ctrl+Shift+Z"],
    "cut": "Ctrl+X",
    "copy": "Ctrl+C",
    "paste": "Ctrl+V",
    "delete": ["Delete", "Backspace"],
    "select_all": "Ctrl+A",
    "toggle_cymbal": "C",
    "toggle_double_kick": "K",
    "toggle_accent": "A",
    "toggle_ghost": "G",
    "toggle_flam": "F",
    "nudge_left": "Ctrl+Left",
    "nudge_right": "Ctrl+Right",
    "cursor_left": "Left",
    "cursor_right": "Right",
    "snap_finer": "]",
    "snap_coarser": "[",
    "play": "Space",
    "zoom_in": "Ctrl+=",
    "zoom_out": "Ctrl+-",
    "difficulty_expert": "Alt+4",
    "difficulty_hard": "Alt+3",
    "difficulty_medium": "Alt+2",
    "difficulty_easy": "Alt+1",
    "add_tempo": "T",
    "add_time_signature": "Ctrl+Shift+T",
    "autochart": "Ctrl+T",
    "next_doubtful": "D",
    "prev_doubtful": "Shift+D",
}
