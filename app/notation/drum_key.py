"""The drum key: staff position, notehead, voice and General MIDI sound of each drum, and the lane map."""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.lanes import Lane
from app.domain.notes import Note

HANDS = 1
"""Voice of the hands (cymbals, snare, toms): stems up."""
FEET = 2
"""Voice of the feet (bass drum): stems down."""


@dataclass(frozen=True)
class Drum:
    """One instrument of the kit as the staff shows it.

    step/octave: the display position on a five-line percussion staff (treble-clef names);
    notehead: MusicXML notehead ('normal' or 'x'); gm_key: General MIDI percussion key (35-81);
    open_mark: an 'o' is printed above (open hi-hat).
    """

    key: str
    name: str
    abbreviation: str
    step: str
    octave: int
    notehead: str
    gm_key: int
    voice: int
    open_mark: bool = False

    @property
    def display(self) -> str:
        return f"{self.step}{self.octave}"

    @property
    def instrument_id(self) -> str:
        """The MusicXML <score-instrument> id (P1-I<gm key + 1>, MuseScore's convention)."""
        return f"P1-I{self.gm_key + 1}"

    @property
    def midi_unpitched(self) -> int:
        """MusicXML <midi-unpitched> (1-based, so GM key + 1)."""
        return self.gm_key + 1


DRUM_KEY: tuple[Drum, ...] = (
    Drum("kick", "Bass Drum", "BD", "F", 4, "normal", 36, FEET),
    Drum("floor_tom", "Floor Tom", "FT", "A", 4, "normal", 43, HANDS),
    Drum("snare", "Snare Drum", "SD", "C", 5, "normal", 38, HANDS),
    Drum("mid_tom", "Mid Tom", "MT", "D", 5, "normal", 47, HANDS),
    Drum("high_tom", "High Tom", "HT", "E", 5, "normal", 50, HANDS),
    Drum("ride", "Ride Cymbal", "RC", "F", 5, "x", 51, HANDS),
    Drum("hihat", "Closed Hi-Hat", "HH", "G", 5, "x", 42, HANDS),
    Drum("hihat_open", "Open Hi-Hat", "OH", "G", 5, "x", 46, HANDS, open_mark=True),
    Drum("crash", "Crash Cymbal", "CC", "A", 5, "x", 49, HANDS),
)
"""The common drum key of method books (Weinberg / PAS), low to high on the staff."""

DRUMS: dict[str, Drum] = {d.key: d for d in DRUM_KEY}

_TOMS = {Lane.YELLOW: "high_tom", Lane.BLUE: "mid_tom", Lane.GREEN: "floor_tom"}
_CYMBALS = {Lane.YELLOW: "hihat", Lane.BLUE: "ride", Lane.GREEN: "crash"}


def drum_for(note: Note) -> Drum:
    """The drum a chart note is written as (pro-drums lanes; Clone Hero has no open hi-hat)."""
    if note.lane is Lane.KICK:
        return DRUMS["kick"]
    if note.lane is Lane.RED:
        return DRUMS["snare"]
    return DRUMS[(_CYMBALS if note.cymbal else _TOMS)[note.lane]]


def drum_at(step: str, octave: int, open_mark: bool = False) -> Drum | None:
    """The drum written at a staff position (and open mark); None for a position the key does not use."""
    for d in DRUM_KEY:
        if d.step == step and d.octave == octave and d.open_mark == open_mark:
            return d
    return None
