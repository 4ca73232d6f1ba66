"""Laid-out bars to a music21 percussion score: voices, noteheads, articulations, grace notes, beams, tuplets."""
from __future__ import annotations

from fractions import Fraction

from music21 import (articulations, beam, clef, duration, expressions, instrument, metadata, meter,
                     note, percussion, stream, tempo)

from app.notation.drum_key import FEET, HANDS
from app.notation.layout import Bar, Event, Hit

_LEVELS = {"eighth": 1, "16th": 2, "32nd": 3, "64th": 4}


def build_score(bars: list[Bar], title: str = "", composer: str = "", subtitle: str = "") -> stream.Score:
    """A one-part score on a five-line percussion staff; hands in voice 1 (stems up), feet in voice 2."""
    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = title or "Drums"
    if composer:
        score.metadata.composer = composer
    if subtitle:
        score.metadata.movementName = subtitle
    part = stream.Part(id="P1")
    part.partName = "Drums"
    part.partAbbreviation = "Dr."
    kit = instrument.Percussion()
    kit.instrumentName, kit.instrumentAbbreviation, kit.instrumentId = "Drumset", "Dr.", "P1-I1"
    for bar in bars:
        m = stream.Measure(number=bar.number)
        if bar.number == 1:
            m.insert(0, kit)
            m.insert(0, clef.PercussionClef())
        if bar.show_time_signature:
            m.insert(0, meter.TimeSignature(f"{bar.numerator}/{bar.denominator}"))
        for off, bpm in bar.tempo_marks:
            mark = tempo.MetronomeMark(number=int(bpm) if bpm == int(bpm) else bpm, referent=note.Note(type="quarter"))
            mark.placement = "above"
            m.insert(float(off), mark)
        for off, name in bar.rehearsal_marks:
            mark = expressions.RehearsalMark(name)
            mark.placement = "above"
            m.insert(float(off), mark)
        for vnum in (HANDS, FEET):
            events = bar.voices.get(vnum)
            if events:
                m.insert(0, _voice(vnum, events, bar))
        part.append(m)
    score.insert(0, part)
    return score


def _voice(vnum: int, events: list[Event], bar: Bar) -> stream.Voice:
    v = stream.Voice(id=str(vnum))
    items = []
    for e in events:
        if e.is_rest:
            r = note.Rest()
            if e.length == bar.length and e.offset == 0:
                r.duration = duration.Duration(float(bar.length))
                r.fullMeasure = True
            else:
                r.duration = _duration(e)
            r.style.hideObjectOnPrint = e.hidden
            items.append((e, r))
            v.insert(float(e.offset), r)
            continue
        graces = [h for h in e.hits if h.flam]
        for h in graces:
            g = _unpitched(h, vnum, grace=True)
            v.insert(float(e.offset), g)
        el = _chord_or_note(e, vnum)
        items.append((e, el))
        v.insert(float(e.offset), el)
    _beam(items)
    _tuplet_brackets(items)
    return v


def _duration(e: Event) -> duration.Duration:
    if not e.tuplet:
        return duration.Duration(float(e.length))
    written = e.length * Fraction(3, 2)
    d = duration.Duration(float(written))
    kind = "eighth" if e.tuplet == 3 else "16th"
    d.appendTuplet(duration.Tuplet(e.tuplet, e.tuplet * 2 // 3, kind))
    return d


def _unpitched(h: Hit, vnum: int, grace: bool = False) -> note.Unpitched:
    n = note.Unpitched(displayName=h.drum.display)
    n.stemDirection = "up" if vnum == HANDS else "down"
    if h.drum.notehead != "normal":
        n.notehead = h.drum.notehead
    if grace:
        n.duration = duration.Duration(0.5)
        n = n.getGrace()
        n.duration.slash = True
        return n
    if h.ghost:
        n.noteheadParenthesis = True
    if h.accent:
        n.articulations.append(articulations.Accent())
    if h.drum.open_mark:
        n.articulations.append(articulations.OpenString())
    return n


def _chord_or_note(e: Event, vnum: int):
    notes = [_unpitched(h, vnum) for h in e.hits]
    if len(notes) == 1:
        el = notes[0]
    else:
        el = percussion.PercussionChord(notes)
        el.stemDirection = "up" if vnum == HANDS else "down"
        arts = [a for n in notes for a in n.articulations]
        for n in notes:  # articulations print once per stem end, as drum charts do
            n.articulations = []
        seen = set()
        for a in arts:
            if type(a) not in seen:
                seen.add(type(a))
                el.articulations.append(a)
    el.duration = _duration(e)
    return el


def _beam(items: list) -> None:
    """Beam runs of 8ths and shorter within each beat; rests break beams; secondary beams hook to the beat."""
    runs: list[list] = []
    prev_beat = None
    for e, el in items:
        beamable = not e.is_rest and el.duration.type in _LEVELS
        if not beamable or e.beat != prev_beat or not runs:
            runs.append([])
        if beamable:
            runs[-1].append(el)
        else:
            runs.append([])
        prev_beat = e.beat
    for run in runs:
        if len(run) < 2:
            continue
        levels = [_LEVELS[el.duration.type] for el in run]
        for i, el in enumerate(run):
            beams = beam.Beams()
            for lv in range(1, levels[i] + 1):
                left = i > 0 and levels[i - 1] >= lv
                right = i + 1 < len(run) and levels[i + 1] >= lv
                if left and right:
                    b = beam.Beam("continue", number=lv)
                elif right:
                    b = beam.Beam("start", number=lv)
                elif left:
                    b = beam.Beam("stop", number=lv)
                else:
                    b = beam.Beam("partial", direction="right" if i == 0 else "left", number=lv)
                beams.beamsList.append(b)
            el.beams = beams


def _tuplet_brackets(items: list) -> None:
    """One tuplet number over each triplet beat of a voice."""
    groups: dict[int, list] = {}
    for e, el in items:
        if e.tuplet:
            groups.setdefault(e.beat, []).append(el)
    for els in groups.values():
        for el in els:
            el.duration.tuplets[0].type = None
        els[0].duration.tuplets[0].type = "start" if len(els) > 1 else "startStop"
        if len(els) > 1:
            els[-1].duration.tuplets[0].type = "stop"
        all_beamed = all(not isinstance(el, note.Rest) and el.beams.beamsList for el in els)
        els[0].duration.tuplets[0].bracket = not all_beamed
