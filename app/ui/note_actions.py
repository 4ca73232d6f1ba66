"""Note edits the editor offers (place, toggle flags, delete, nudge, copy/paste), built as domain edits."""
from __future__ import annotations

from dataclasses import dataclass

from app.domain import edits as E
from app.domain.lanes import Difficulty, Dynamic, Lane
from app.domain.notes import Note
from app.ui.document import ChartDocument


def push_note_edit(doc: ChartDocument, edit: E.Edit, select_after=None) -> None:
    """Push a note edit; editing a lower difficulty by hand marks it authored (export keeps it)."""
    d = doc.difficulty
    if d is not Difficulty.EXPERT and d not in doc.chart.drums.authored:
        old = frozenset(doc.chart.drums.authored)
        edit = E.Batch([edit, E.SetAuthored(old, old | {d})], edit.text)
    doc.push(edit, select_after)


def new_note(doc: ChartDocument, tick: int, lane: Lane) -> Note:
    """A fresh note with the document's default flags (Y/B/G cymbals when `place_cymbals`)."""
    return Note(tick, lane, cymbal=lane.can_be_cymbal and getattr(doc, "place_cymbals", True))


def place_note(doc: ChartDocument, tick: int, lane: Lane) -> Note:
    """Add a note at (tick, lane) and select it; an existing note there is only selected."""
    existing = doc.notes.get(tick, lane)
    if existing is not None:
        doc.select_notes([existing])
        return existing
    note = new_note(doc, tick, lane)
    push_note_edit(doc, E.add_notes(doc.chart, doc.difficulty, [note], "add note"),
                   frozenset({(doc.difficulty, tick, lane)}))
    return note


def toggle_note_at_cursor(doc: ChartDocument, lane: Lane) -> None:
    """Lane key: add a note at the snapped cursor, or delete the one already there."""
    tick = doc.cursor_tick()
    existing = doc.notes.get(tick, lane)
    if existing is None:
        place_note(doc, tick, lane)
    else:
        push_note_edit(doc, E.remove_notes(doc.chart, doc.difficulty, [existing], "delete note"))


def delete_selection(doc: ChartDocument) -> None:
    notes = doc.selected_notes()
    if notes:
        push_note_edit(doc, E.remove_notes(doc.chart, doc.difficulty, notes,
                                           f"delete {len(notes)} note{'s' * (len(notes) > 1)}"), frozenset())


def move_selection(doc: ChartDocument, delta_ticks: int, delta_lanes: int = 0, text: str = "move notes") -> None:
    notes = doc.selected_notes()
    if not notes or (delta_ticks == 0 and delta_lanes == 0):
        return
    edit = E.move_notes(doc.chart, doc.difficulty, notes, delta_ticks, delta_lanes, text)
    push_note_edit(doc, edit, frozenset((doc.difficulty, n.tick, n.lane) for n in edit.new))


def nudge_selection(doc: ChartDocument, steps: int) -> None:
    move_selection(doc, steps * doc.snap_step_ticks(), 0, "nudge notes")


FLAG_NAMES = ("cymbal", "double_kick", "accent", "ghost", "flam")


def _toggled(note: Note, flag: str, on: bool) -> Note:
    if flag in ("accent", "ghost"):
        return note.with_(dynamic=Dynamic(flag) if on else Dynamic.NORMAL)
    if flag in ("cymbal", "double_kick", "flam"):
        return note.with_(**{flag: on})
    raise ValueError(flag)


def _has(note: Note, flag: str) -> bool:
    if flag in ("accent", "ghost"):
        return note.dynamic is Dynamic(flag)
    return bool(getattr(note, flag))


def can_carry(note: Note, flag: str) -> bool:
    if flag == "cymbal":
        return note.lane.can_be_cymbal
    if flag == "double_kick":
        return note.lane is Lane.KICK
    return note.lane.is_pad


def toggle_flag(doc: ChartDocument, flag: str) -> bool:
    """Toggle a flag on the selected notes that can carry it (all on if any is off). False: nothing to do."""
    capable = [n for n in doc.selected_notes() if can_carry(n, flag)]
    if not capable:
        return False
    on = not all(_has(n, flag) for n in capable)
    pairs = [(n, _toggled(n, flag, on)) for n in capable]
    old = [o for o, n in pairs if o != n]
    new = [n for o, n in pairs if o != n]
    label = flag.replace("_", " ").replace("double kick", "2x kick")
    push_note_edit(doc, E.change_notes(doc.chart, doc.difficulty, old, new, f"{'set' if on else 'clear'} {label}"),
                   doc.selection)
    return True


@dataclass(frozen=True)
class ClipboardNotes:
    """Copied notes with ticks relative to the first one."""

    notes: tuple[Note, ...]
    resolution: int


def copy_selection(doc: ChartDocument) -> ClipboardNotes | None:
    notes = doc.selected_notes()
    if not notes:
        return None
    first = notes[0].tick
    return ClipboardNotes(tuple(n.with_(tick=n.tick - first) for n in notes), doc.chart.resolution)


def cut_selection(doc: ChartDocument) -> ClipboardNotes | None:
    clip = copy_selection(doc)
    if clip is not None:
        notes = doc.selected_notes()
        push_note_edit(doc, E.remove_notes(doc.chart, doc.difficulty, notes, "cut notes"), frozenset())
    return clip


def paste(doc: ChartDocument, clip: ClipboardNotes | None) -> None:
    """Paste at the snapped cursor, replacing notes at the same places; the pasted notes are selected."""
    if clip is None or not clip.notes:
        return
    scale = doc.chart.resolution / clip.resolution
    at = doc.cursor_tick()
    notes = [n.with_(tick=at + int(round(n.tick * scale))) for n in clip.notes]
    push_note_edit(doc, E.add_notes(doc.chart, doc.difficulty, notes, f"paste {len(notes)} notes"),
                   frozenset((doc.difficulty, n.tick, n.lane) for n in notes))


def select_all(doc: ChartDocument) -> None:
    doc.select_notes(list(doc.notes))


def generate_lower_difficulties(doc: ChartDocument, overwrite_authored: bool = False) -> bool:
    """Regenerate Hard/Medium/Easy from Expert as one undo step. False when reduction is unavailable."""
    try:
        from app.domain.reduction import fill_missing_difficulties
    except ImportError:
        return False
    chart = doc.chart
    if overwrite_authored:
        chart = chart.copy()
        chart.drums.authored = {Difficulty.EXPERT}
    batch = fill_missing_difficulties(chart)
    edits = list(batch.edits)
    if overwrite_authored and doc.chart.drums.authored != {Difficulty.EXPERT}:
        edits.append(E.SetAuthored(frozenset(doc.chart.drums.authored), frozenset({Difficulty.EXPERT})))
    if edits:
        doc.push(E.Batch(edits, "generate lower difficulties"))
    return True
