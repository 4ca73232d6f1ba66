"""The MMA groove library (Debian `mma`) as drum patterns: a tolerant reader of its drum tracks."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

MMA_LIB = Path("/usr/share/mma/lib")
MMA_INCLUDES = Path("/usr/share/mma/includes")

VOLUMES = {"OFF": 0.0, "PPPP": 0.05, "PPP": 0.1, "PP": 0.25, "P": 0.4, "MP": 0.7, "M": 1.0,
           "MF": 1.1, "F": 1.3, "FF": 1.6, "FFF": 1.8, "FFFF": 2.0}
"""MMA's volume names -> factor (its own table)."""
NOTE_LEN_Q = {"81": 0.66, "82": 0.34, "23": 4 / 3, "43": 2 / 3, "3": 1 / 3, "6": 1 / 6, "5": 1 / 5}


@dataclass
class MmaGroove:
    """One DefGroove's drum part: per bar, (position in MMA beats from 0, GM note, velocity 0..1)."""
    name: str
    file: str
    time: int
    timesig: tuple[int, int]
    bars: list[list[tuple[float, int, float]]]
    rskip: dict[int, float] = field(default_factory=dict)   # GM note -> chance a hit is skipped

    @property
    def beat_q(self) -> float:
        """Quarter notes per MMA beat (6/8 grooves count eighths)."""
        return 4.0 / self.timesig[1] if self.timesig[1] == 8 and self.time == self.timesig[0] else 1.0


@dataclass
class _Track:
    tones: list[str] = field(default_factory=lambda: ["SnareDrum1"])
    sequence: list = field(default_factory=list)
    volume: float = 1.0
    rskip: float = 0.0


class MmaParser:
    """Reads MMA files: drum pattern defines, drum tracks, SeqSize/Time/SwingMode, DefGroove/Groove."""

    def __init__(self, includes: Path = MMA_INCLUDES) -> None:
        self.includes = includes
        self.patterns: dict[str, list[tuple[float, float]]] = {}
        self.parsed = self.skipped = 0

    def parse_file(self, path: str | Path) -> list[MmaGroove]:
        path = Path(path)
        return self.parse_text(path.read_text(encoding="utf-8", errors="replace"), path.stem)

    def parse_text(self, text: str, name: str = "inline") -> list[MmaGroove]:
        self.tracks: dict[str, _Track] = {}
        self.saved: dict[str, dict] = {}
        self.seqsize, self.time, self.timesig, self.swing = 1, 4, (4, 4), False
        self.file, self.out = name, []
        self._run(text)
        return self.out

    # ---- lines -------------------------------------------------------------------------
    def _run(self, text: str, depth: int = 0) -> None:
        prefix: list[str] = []
        skipping = None
        for line in _logical_lines(text):
            words = line.split()
            head = words[0].upper()
            if skipping:
                if head == skipping:
                    skipping = None
                continue
            if head == "BEGIN":
                if len(words) > 1 and words[1].upper() in ("DOC", "MSET"):
                    skipping = "END"
                else:
                    prefix.append(" ".join(words[1:]))
                continue
            if head in ("MSET", "DEFCALL"):
                skipping = "ENDMSET" if head == "MSET" else "ENDDEFCALL"
                continue
            if head == "END":
                prefix = prefix[:-1]
                continue
            full = " ".join(prefix + [line]) if prefix else line
            try:
                self._command(full.split(), depth)
            except (ValueError, KeyError, IndexError, ZeroDivisionError):
                self.skipped += 1

    def _command(self, w: list[str], depth: int) -> None:
        cmd = w[0].upper()
        if any("$" in x for x in w) or cmd in ("IF", "ELSE", "ENDIF", "PRINT"):
            return
        if cmd == "INCLUDE" and depth < 4:
            for base in (self.includes, MMA_LIB / "stdlib"):
                p = base / (w[1] if w[1].endswith(".mma") else w[1] + ".mma")
                if p.is_file():
                    swing = self.swing                    # includes restore it via $_StackValue
                    self._run(p.read_text(encoding="utf-8", errors="replace"), depth + 1)
                    self.swing = swing
                    break
        elif cmd == "TIME":
            self.time = int(float(w[1]))
        elif cmd == "TIMESIG":
            self.timesig = (int(w[1]), int(w[2]))
        elif cmd == "SEQSIZE":
            self.seqsize = max(1, int(w[1]))
            for t in self.tracks.values():
                t.sequence = _cycle(t.sequence, self.seqsize)
        elif cmd == "SEQCLEAR":
            self.tracks = {}
        elif cmd == "SWINGMODE":
            self.swing = len(w) > 1 and w[1].upper() in ("ON", "1")
        elif cmd == "DEFGROOVE" and len(w) > 1:
            self._defgroove(w[1])
        elif cmd == "GROOVE" and len(w) > 1:
            state = self.saved.get(w[1].upper())
            if state:
                self.tracks = copy.deepcopy(state["tracks"])
                self.seqsize, self.time, self.timesig = state["seqsize"], state["time"], state["timesig"]
        elif cmd == "DRUM" and len(w) > 2 and w[1].upper() == "DEFINE":
            self.patterns[w[2].upper()] = self._define(" ".join(w[3:]))
        elif cmd == "DRUM" or cmd.startswith("DRUM-"):
            self._track(cmd, w[1:])

    def _track(self, name: str, w: list[str]) -> None:
        if not w:
            return
        t = self.tracks.setdefault(name, _Track(sequence=[None] * self.seqsize))
        op, args = w[0].upper(), w[1:]
        if op == "SEQUENCE":
            t.sequence = self._sequence(" ".join(args), t.sequence)
        elif op == "TONE" and args:
            t.tones = args
        elif op == "VOLUME" and args:
            t.volume = VOLUMES.get(args[0].upper(), t.volume)
        elif op == "RSKIP" and args:
            t.rskip = float(args[0]) / 100
        elif op == "COPY" and args and args[0].upper() in self.tracks:
            self.tracks[name] = copy.deepcopy(self.tracks[args[0].upper()])
        elif op == "GROOVE" and args:
            state = self.saved.get(args[0].upper())
            if state and name in state["tracks"]:
                self.tracks[name] = copy.deepcopy(state["tracks"][name])
        elif op in ("OFF",):
            t.sequence = [None] * self.seqsize

    # ---- patterns ----------------------------------------------------------------------
    def _define(self, text: str) -> list[tuple[float, float]]:
        """'D1 Shift 1; 1 0 90 * 2' -> [(beat from 0, volume 0..127)], MMA's SHIFT and * rules."""
        out: list[tuple[float, float]] = []
        for part in text.upper().split(";"):
            toks = part.split()
            if not toks:
                continue
            mods_at = next((i for i, x in enumerate(toks) if x in ("SHIFT", "*")), len(toks))
            ev, mods = toks[:mods_at], toks[mods_at:]
            if len(ev) == 1:
                pat = list(self.patterns[ev[0]])
            elif len(ev) >= 3:
                pat = [(_position(ev[0]), float(ev[2]))]
            else:
                raise ValueError(part)
            while len(mods) >= 2:
                op, val = mods.pop(0), mods.pop(0)
                if op == "SHIFT":
                    pat = [(p + float(val), v) for p, v in pat]
                else:
                    n = int(val)
                    pat = [(p / n + i * self.time / n, v) for i in range(n) for p, v in pat]
            out += pat
        if self.swing:
            out = [(p + 0.16 if abs(p % 1 - 0.5) < 1e-6 else p, v) for p, v in out]
        return sorted(out)

    def _sequence(self, text: str, current: list) -> list:
        items = []
        for m in re.finditer(r"\{([^}]*)\}|(\S+)", text):
            if m.group(1) is not None:
                items.append(self._define(m.group(1)))
            else:
                tok = m.group(2).upper()
                if tok in ("-", "Z") and len(items) == 0 and text.strip() in ("-", "z", "Z"):
                    return [None] * self.seqsize
                if tok == "/" and items:
                    items.append(items[-1])
                elif tok in ("-", "Z"):
                    items.append(None)
                elif tok == "*":
                    i = len(items)
                    items.append(current[i] if i < len(current) else None)
                else:
                    items.append(self.patterns[tok])
        return _cycle(items, self.seqsize)

    def _defgroove(self, gname: str) -> None:
        self.saved[gname.upper()] = {"tracks": copy.deepcopy(self.tracks), "seqsize": self.seqsize,
                                     "time": self.time, "timesig": self.timesig}
        from app.training.synth.gm_drums import note_for_tone

        bars, rskip = [], {}
        for i in range(self.seqsize):
            bar = []
            for t in self.tracks.values():
                pat = t.sequence[i] if i < len(t.sequence) else None
                note = note_for_tone(t.tones[i % len(t.tones)]) if t.tones else None
                if not pat or note is None or t.volume <= 0:
                    continue
                rskip[note] = max(rskip.get(note, 0.0), t.rskip)
                bar += [(p, note, min(1.0, v / 127 * t.volume)) for p, v in pat if 0 <= p < self.time]
            bars.append(sorted(bar))
        if any(bars):
            self.out.append(MmaGroove(gname, self.file, self.time, self.timesig, bars, rskip))
            self.parsed += 1


def _position(tok: str) -> float:
    """'2.5' or '2+81' or '1-16' (MMA beat, 1-based) -> beats from bar start."""
    m = re.fullmatch(r"([0-9.]+)(?:([+-])([0-9.]+))?", tok)
    if not m:
        raise ValueError(tok)
    pos = float(m.group(1)) - 1
    if m.group(2):
        n = m.group(3)
        length = NOTE_LEN_Q.get(n) or 4 / float(n.rstrip("."))
        length *= 1.5 if n.endswith(".") else 1
        pos += length if m.group(2) == "+" else -length
    return pos


def _cycle(items: list, n: int) -> list:
    return [items[i % len(items)] for i in range(n)] if items else [None] * n


def _logical_lines(text: str):
    """Lines without comments, continuation lines joined, blanks dropped."""
    buf = ""
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].rstrip()
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        line, buf = (buf + line).strip(), ""
        if line:
            yield line


def load_library(lib: Path = MMA_LIB, includes: Path = MMA_INCLUDES) -> tuple[list[MmaGroove], dict]:
    """Every drum groove of the installed library, and counts (files, grooves, skipped lines)."""
    parser, grooves, files = MmaParser(includes), [], 0
    for path in sorted(lib.rglob("*.mma")):
        parser.patterns = {}
        try:
            grooves += parser.parse_file(path)
            files += 1
        except (OSError, RecursionError):
            continue
    return grooves, {"files": files, "grooves": len(grooves), "skipped_lines": parser.skipped}


def group_by_file(grooves: list[MmaGroove]) -> dict[str, list[MmaGroove]]:
    """File stem -> its grooves, in library order."""
    out: dict[str, list[MmaGroove]] = {}
    for g in grooves:
        out.setdefault(g.file, []).append(g)
    return out


def mma_pattern(grooves: list[MmaGroove], rng, bpm: float | None = None, duration_s: float = 30.0,
                unpatterned: float = 0.1, fills: bool = True, humanize=None):
    """A song from one MMA file's grooves: sections of 4-8 bars, each one groove of the same meter,
    optional fills and crashes at section edges, humanised; returns a pattern.Pattern."""
    import numpy as np

    from app.training.synth.gm_drums import part_for_note
    from app.training.synth.grooves import METERS, Meter, make_fill
    from app.training.synth.pattern import BeatHit, Humanize, add_unpatterned, to_pattern

    main = [g for g in grooves if not re.search(r"(intro|end|fill)", g.name, re.I)] or grooves
    first = main[int(rng.integers(len(main)))]
    pool = [g for g in main if (g.time, g.timesig) == (first.time, first.timesig)]
    bq, bar_q = first.beat_q, first.time * first.beat_q
    bpm = float(bpm if bpm else rng.uniform(70, 180) * (0.5 if bq < 1 and rng.random() < 0.5 else 1))
    pulses = tuple(float(i * bq) for i in range(first.time))
    meter = METERS.get(first.timesig) if abs(METERS.get(first.timesig, Meter(0, 0, -1, (), (), ())).bar_q
                                             - bar_q) < 1e-6 else None
    meter = meter or Meter(first.timesig[0], first.timesig[1], bar_q, pulses, pulses[:1], pulses[1:2])
    n_bars = max(1, int(np.ceil(duration_s / (bar_q * 60 / bpm))))
    hits, bar = [], 0
    while bar < n_bars:
        g, sec_len = pool[int(rng.integers(len(pool)))], int(rng.integers(4, 9))
        top = max((v for b in g.bars for _, _, v in b), default=1.0) or 1.0
        scale = rng.uniform(0.8, 1.0) / top
        for j in range(min(sec_len, n_bars - bar)):
            b0 = bar * bar_q
            notes = [(p * bq, part_for_note(n), v * scale, 0.0) for p, n, v in g.bars[j % len(g.bars)]
                     if rng.random() >= g.rskip.get(n, 0.0)]
            if fills and j == sec_len - 1 and rng.random() < 0.5:
                start, fill = make_fill(meter, bpm, rng)
                notes = [x for x in notes if x[0] < start - 1e-6] + fill
            if fills and j == 0 and rng.random() < 0.6:
                notes += [(0.0, "crash", float(rng.uniform(0.7, 1.0)), 0.0), (0.0, "kick", 0.85, 0.0)]
            hits += [BeatHit(b0 + p, part, float(v), off) for p, part, v, off in notes]
            bar += 1
    pat = to_pattern(hits, bpm, first.timesig, n_bars * bar_q, f"mma:{first.file}",
                     f"mma:{first.file}/{first.name}", rng, humanize or Humanize.random(rng),
                     lead_in_s=float(rng.uniform(0.1, 0.5)), tail_s=2.0)
    return add_unpatterned(pat, rng, unpatterned) if unpatterned > 0 else pat
