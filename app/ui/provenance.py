"""Which notes the model made (Qt-free): the document's auto-chart state and the edits that replace model notes.

The state maps (tick, lane) -> the note the model made there and its confidence. A note counts as
model-made while the chart still holds exactly that note, so a user edit of a model note (move, lane
or flag change, delete) takes it out of the model's hands, and undoing the edit gives it back, without
any bookkeeping per edit. Only auto-chart and re-decode commands replace the state (with undo).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from app.domain import edits as E
from app.domain.lanes import Difficulty
from app.domain.notes import Note
from app.domain.song import Chart

Key = tuple[int, int]
X = Difficulty.EXPERT


@dataclass(frozen=True)
class ModelNote:
    """A note as the model made it, its confidence (0..1, NaN unknown) and fine drum class."""

    note: Note
    confidence: float
    drum: str

    def label(self) -> str:
        conf = "?" if math.isnan(self.confidence) else f"{self.confidence:.2f}"
        return f"{self.drum.replace('_', ' ')} {conf}"


@dataclass(frozen=True)
class AutoChartState:
    """An immutable snapshot: the model's notes, the transcription they came from and its settings."""

    notes: Mapping[Key, ModelNote] = field(default_factory=lambda: MappingProxyType({}))
    result: Any = None  # TranscriptionResult: activations, hits, model version
    source: Path | None = None
    song_id: str = ""
    preset: str = "conservative"
    sensitivity: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    dynamics: bool = False

    @property
    def active(self) -> bool:
        return self.result is not None

    def model_note(self, note: Note | None) -> ModelNote | None:
        """The model's record of `note` if the chart's note is still exactly what the model made."""
        if note is None:
            return None
        m = self.notes.get(note.key)
        return m if m is not None and m.note == note else None

    def model_notes_in(self, chart: Chart) -> list[ModelNote]:
        """Model-made notes still in the chart's Expert part, in chart order."""
        nl = chart.drums.notes[X]
        return sorted((m for m in self.notes.values() if nl.get(m.note.tick, m.note.lane) == m.note),
                      key=lambda m: m.note.key)


def _model_map(notes, confidences: Mapping[Key, Any]) -> dict[Key, ModelNote]:
    out = {}
    for n in notes:
        c = confidences.get(n.key)
        out[n.key] = ModelNote(n, float(c.confidence) if c is not None else math.nan,
                               c.drum if c is not None else "")
    return out


def autochart_edit(chart: Chart, result, confidences: Mapping[Key, Any], source: Path | None,
                   song_id: str) -> tuple[E.Edit, AutoChartState]:
    """The 'auto-chart' edit: the result's Expert notes, tempo map and sections replace the chart's (metadata
    stays, except a song delay, which is zeroed because the result is timed against the audio itself)."""
    new_chart = result.chart
    new_notes = tuple(new_chart.drums.expert)
    edits: list[E.Edit] = [E.ReplaceNotes(X, tuple(chart.drums.expert), new_notes),
                           E.SetTempoMap(chart.tempo_map, new_chart.tempo_map),
                           E.ReplaceSections(tuple(chart.sections), tuple(new_chart.sections))]
    if chart.metadata.delay_ms:
        meta = chart.metadata.copy()
        meta.delay_ms = 0
        edits.append(E.set_metadata(chart, meta))
    opts = result.options
    state = AutoChartState(MappingProxyType(_model_map(new_notes, confidences)), result, source, song_id,
                           opts.preset, MappingProxyType(dict(opts.sensitivity)), opts.dynamics)
    return E.Batch(edits, "auto-chart"), state


def redecode_edit(chart: Chart, state: AutoChartState, result, confidences: Mapping[Key, Any]
                  ) -> tuple[E.Edit, AutoChartState]:
    """The 're-decode' edit: model-made notes are replaced by the new decode; notes the user added or
    changed stay, and a model note the user deleted is not brought back."""
    nl = chart.drums.notes[X]
    remove = [m.note for m in state.model_notes_in(chart)]
    removed = {n.key for n in remove}
    new_map = _model_map(result.chart.drums.expert, confidences)
    add = []
    for key, m in new_map.items():
        current = nl.get(*key)
        user_owned = current is not None and key not in removed
        user_deleted = current is None and key in state.notes
        if not user_owned and not user_deleted:
            add.append(m.note)
    for key, m in state.notes.items():  # remember deletions and changes the new decode does not cover
        if key not in new_map and key not in removed:
            new_map[key] = m
    opts = result.options
    new_state = AutoChartState(MappingProxyType(new_map), result, state.source, state.song_id, opts.preset,
                               MappingProxyType(dict(opts.sensitivity)), opts.dynamics)
    return E.ReplaceNotes(X, tuple(sorted(remove)), tuple(sorted(add)), "re-decode"), new_state
