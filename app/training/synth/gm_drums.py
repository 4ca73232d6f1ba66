"""General MIDI percussion: note numbers, MMA tone names and our drum class for each."""
from __future__ import annotations

from app.training.synth.kit import OTHER

GM_DRUMS: dict[int, tuple[str, str | None]] = {
    27: ("HighQ", None), 28: ("Slap", None), 29: ("ScratchPush", None), 30: ("ScratchPull", None),
    31: ("Sticks", None), 32: ("SquareClick", None), 33: ("MetronomeClick", None),
    34: ("MetronomeBell", None),
    35: ("KickDrum2", "kick"), 36: ("KickDrum1", "kick"),
    37: ("SideKick", "snare_rim"),            # side stick / cross-stick
    38: ("SnareDrum1", "snare_head"), 39: ("HandClap", None), 40: ("SnareDrum2", "snare_head"),
    41: ("LowTom2", "tom_floor"), 42: ("ClosedHiHat", "hihat_closed"), 43: ("LowTom1", "tom_floor"),
    44: ("PedalHiHat", "hihat_pedal"), 45: ("MidTom2", "tom_mid"), 46: ("OpenHiHat", "hihat_open"),
    47: ("MidTom1", "tom_mid"), 48: ("HighTom2", "tom_high"), 49: ("CrashCymbal1", "crash"),
    50: ("HighTom1", "tom_high"), 51: ("RideCymbal1", "ride_body"), 52: ("ChineseCymbal", "crash"),
    53: ("RideBell", "ride_bell"), 54: ("Tambourine", None), 55: ("SplashCymbal", "crash"),
    56: ("CowBell", None), 57: ("CrashCymbal2", "crash"), 58: ("VibraSlap", None),
    59: ("RideCymbal2", "ride_body"),
    60: ("HighBongo", None), 61: ("LowBongo", None), 62: ("MuteHighConga", None),
    63: ("OpenHighConga", None), 64: ("LowConga", None), 65: ("HighTimbale", None),
    66: ("LowTimbale", None), 67: ("HighAgogo", None), 68: ("LowAgogo", None), 69: ("Cabasa", None),
    70: ("Maracas", None), 71: ("ShortHiWhistle", None), 72: ("LongLowWhistle", None),
    73: ("ShortGuiro", None), 74: ("LongGuiro", None), 75: ("Claves", None),
    76: ("HighWoodBlock", None), 77: ("LowWoodBlock", None), 78: ("MuteCuica", None),
    79: ("OpenCuica", None), 80: ("MuteTriangle", None), 81: ("OpenTriangle", None),
    82: ("Shaker", None), 83: ("JingleBell", None), 84: ("Castanets", None),
    85: ("MuteSurdo", None), 86: ("OpenSurdo", None),
}
"""GM note -> (MMA tone name, drum class or None for unlabelled percussion)."""

GM_NAME_TO_NOTE = {name.upper(): note for note, (name, _) in GM_DRUMS.items()}

RENDERED_NOTES: tuple[int, ...] = (35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,
                                   52, 53, 54, 55, 56, 57, 59, 75, 70, 63)
"""The GM notes rendered into one-shot kits (every class, plus a few 'other' instruments)."""

PART_TO_NOTE: dict[str, int] = {
    "kick": 36, "snare_head": 38, "snare_rim": 37, "hihat_closed": 42, "hihat_open": 46,
    "hihat_pedal": 44, "ride_body": 51, "ride_bell": 53, "crash": 49, "tom_high": 50, "tom_mid": 47,
    "tom_floor": 43, OTHER: 56,
}
"""Our part -> the GM note used to play it (e.g. for MIDI export of a pattern)."""


def part_for_note(note: int) -> str:
    """The pattern part for a GM note: its class, or 'other'."""
    label = GM_DRUMS.get(note, ("", None))[1]
    return label if label else OTHER


def note_for_tone(tone: str) -> int | None:
    """GM note for an MMA tone name ('KickDrum1') or number ('36'); None when unknown."""
    t = tone.strip().upper()
    if t.isdigit():
        return int(t)
    return GM_NAME_TO_NOTE.get(t)
