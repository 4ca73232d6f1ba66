"""Song metadata and the whole chart: tempo map, drum part, sections, events."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.lanes import Difficulty, Lane
from app.domain.notes import Note, NoteList
from app.domain.phrases import Phrase, PhraseKind, Section, TextEvent
from app.domain.tempo_map import TempoMap


@dataclass
class SongMetadata:
    """What song.ini (and .chart [Song]) says about the song; times in milliseconds.

    `extra` keeps unknown song.ini keys in file order so they survive a round trip.
    """

    name: str = ""
    artist: str = ""
    album: str = ""
    genre: str = ""
    year: str = ""
    charter: str = ""
    preview_start_ms: int = 0
    song_length_ms: int | None = None
    delay_ms: int = 0
    diff_drums: int = -1
    pro_drums: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    def copy(self) -> "SongMetadata":
        return SongMetadata(**{**self.__dict__, "extra": dict(self.extra)})


@dataclass
class DrumPart:
    """The drum track: notes per difficulty plus spans shared by all difficulties.

    authored: difficulties the charter wrote; the others may be regenerated from Expert.
    local_events: track text events kept verbatim (e.g. disco-flip `[mix 3 drums0d]`).
    """

    notes: dict[Difficulty, NoteList] = field(default_factory=lambda: {d: NoteList() for d in Difficulty})
    phrases: list[Phrase] = field(default_factory=list)
    local_events: list[TextEvent] = field(default_factory=list)
    authored: set[Difficulty] = field(default_factory=lambda: {Difficulty.EXPERT})

    def __getitem__(self, difficulty: Difficulty) -> NoteList:
        return self.notes[difficulty]

    @property
    def expert(self) -> NoteList:
        return self.notes[Difficulty.EXPERT]

    def phrases_of(self, kind: PhraseKind) -> list[Phrase]:
        return [p for p in self.phrases if p.kind is kind]

    def add_phrase(self, phrase: Phrase) -> None:
        self.phrases.append(phrase)
        self.phrases.sort()

    def copy(self) -> "DrumPart":
        return DrumPart(
            notes={d: nl.copy() for d, nl in self.notes.items()},
            phrases=list(self.phrases),
            local_events=list(self.local_events),
            authored=set(self.authored),
        )

    @property
    def has_dynamics(self) -> bool:
        from app.domain.lanes import Dynamic
        return any(n.dynamic is not Dynamic.NORMAL for nl in self.notes.values() for n in nl)


@dataclass
class Chart:
    """A whole song chart. `end_tick`: where the `[end]` event sits (None: the writer places it)."""

    metadata: SongMetadata = field(default_factory=SongMetadata)
    tempo_map: TempoMap = field(default_factory=TempoMap)
    drums: DrumPart = field(default_factory=DrumPart)
    sections: list[Section] = field(default_factory=list)
    events: list[TextEvent] = field(default_factory=list)
    end_tick: int | None = None

    @property
    def resolution(self) -> int:
        return self.tempo_map.resolution

    def copy(self) -> "Chart":
        return Chart(
            metadata=self.metadata.copy(),
            tempo_map=self.tempo_map,
            drums=self.drums.copy(),
            sections=list(self.sections),
            events=list(self.events),
            end_tick=self.end_tick,
        )

    def last_note_tick(self) -> int | None:
        ticks = [nl.last_tick for nl in self.drums.notes.values() if nl.last_tick is not None]
        return max(ticks) if ticks else None

    def default_end_tick(self) -> int:
        """One beat after the last note, or one bar in when there are no notes."""
        last = self.last_note_tick()
        if last is None:
            return self.tempo_map.resolution * 4
        return last + self.tempo_map.resolution

    # chart time vs audio time: song.ini `delay` (ms) shifts the chart later against the audio
    def tick_to_audio_s(self, tick: float) -> float:
        return self.tempo_map.tick_to_s(tick) + self.metadata.delay_ms / 1000.0

    def audio_s_to_tick(self, seconds: float) -> float:
        return self.tempo_map.s_to_tick(seconds - self.metadata.delay_ms / 1000.0)


def empty_chart(name: str = "", artist: str = "", resolution: int | None = None) -> Chart:
    """A new chart at Chart Hero's resolution with 120 BPM 4/4."""
    from app.constants import TICKS_PER_BEAT
    return Chart(metadata=SongMetadata(name=name, artist=artist),
                 tempo_map=TempoMap(resolution=resolution or TICKS_PER_BEAT))


__all__ = ["SongMetadata", "DrumPart", "Chart", "empty_chart", "Note", "Lane", "Difficulty"]
