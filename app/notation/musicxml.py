"""MusicXML bytes of a score, with the drum kit's instrument list and each note's instrument filled in."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from app.notation.drum_key import DRUM_KEY, drum_at

_HEADER = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
           b'"http://www.musicxml.org/dtds/partwise.dtd">\n')
_OPEN_TAGS = ("open-string", "open")
_NOTE_ORDER = {tag: i for i, tag in enumerate((
    "grace", "cue", "chord", "pitch", "unpitched", "rest", "duration", "tie", "instrument", "footnote", "level",
    "voice", "type", "dot", "accidental", "time-modification", "stem", "notehead", "notehead-text", "staff",
    "beam", "notations", "lyric", "play", "listen"))}
"""The order the MusicXML schema wants a <note>'s children in (music21 puts a grace note's <voice> too early)."""


def score_to_musicxml(score) -> bytes:
    """Export a music21 score as written (no re-notation by music21), then add the drum kit."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    exporter = GeneralObjectExporter(score)
    exporter.makeNotation = False
    return add_drum_kit(exporter.parse())


def add_drum_kit(xml: bytes) -> bytes:
    """Give the (single) percussion part a <score-instrument> and <midi-instrument> per drum of the key
    and every unpitched note an <instrument id>, so notation programs play and name the right drum."""
    root = ET.fromstring(xml)
    for creator in root.iter("creator"):  # music21 signs itself as composer when there is none
        if creator.text == "Music21":
            creator.text = ""
    if root.findtext("movement-title") == root.findtext("work/work-title"):
        root.remove(root.find("movement-title"))  # one title, not the same line twice
    score_part = root.find("part-list/score-part")
    part = root.find("part")
    if score_part is None or part is None:
        return xml
    score_part.set("id", "P1")
    part.set("id", "P1")
    for tag in ("score-instrument", "midi-instrument"):
        for el in score_part.findall(tag):
            score_part.remove(el)
    for d in DRUM_KEY:
        si = ET.SubElement(score_part, "score-instrument", id=d.instrument_id)
        ET.SubElement(si, "instrument-name").text = d.name
    for d in DRUM_KEY:
        mi = ET.SubElement(score_part, "midi-instrument", id=d.instrument_id)
        ET.SubElement(mi, "midi-channel").text = "10"
        ET.SubElement(mi, "midi-program").text = "1"
        ET.SubElement(mi, "midi-unpitched").text = str(d.midi_unpitched)
        ET.SubElement(mi, "volume").text = "80"
        ET.SubElement(mi, "pan").text = "0"
    for n in part.iter("note"):
        up = n.find("unpitched")
        if up is None:
            continue
        opened = any(n.find(f"notations/technical/{t}") is not None or n.find(f"notations/articulations/{t}")
                     is not None for t in _OPEN_TAGS)
        drum = drum_at(up.findtext("display-step", ""), int(up.findtext("display-octave", "0")), opened)
        if drum is not None and n.find("instrument") is None:
            n.append(ET.Element("instrument", id=drum.instrument_id))
        children = sorted(n, key=lambda c: _NOTE_ORDER.get(c.tag, len(_NOTE_ORDER)))
        for c in list(n):
            n.remove(c)
        n.extend(children)
    ET.indent(root, space="  ")
    return _HEADER + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
