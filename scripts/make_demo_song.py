"""Render the demo song (resources/demo/: song.ogg, drums.ogg, notes.mid, song.ini) with the project's own synth."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.constants import SAMPLE_RATE  # noqa: E402
from app.domain.lanes import Lane  # noqa: E402

BPM, BARS_S = 112.0, 32.0
EXTRA_CLASSES = {"hihat_open": (Lane.YELLOW, True), "ride_bell": (Lane.BLUE, True)}
"""Classes the chart's lanes fold in (LANE_TO_CLASS has one class per lane); snare_rim and hi-hat pedal are not charted."""
OUT = Path(__file__).resolve().parents[1] / "resources" / "demo"


def class_to_lane() -> dict[str, tuple[Lane, bool]]:
    from app.training.chart_dataset import LANE_TO_CLASS
    return {**{cls: lane for lane, cls in LANE_TO_CLASS.items()}, **EXTRA_CLASSES}


def _lead_in(times: np.ndarray, bpm: float) -> float:
    """The pattern's lead-in: the time of its first downbeat (the first hit, which opens bar 1), refined
    within ±30 ms to the shift that puts the most hits on a 16th grid."""
    first = float(np.min(times))
    candidates = np.arange(max(0.0, first - 0.03), first + 0.03, 0.0005)
    beats = (times[None, :] - candidates[:, None]) * bpm / 60 * 4
    cost = np.abs(beats - np.round(beats)).sum(axis=1)
    return float(candidates[int(np.argmin(cost))])


def _snap_beats(beat: float) -> float:
    sixteenth, triplet = round(beat * 4) / 4, round(beat * 3) / 3
    return sixteenth if abs(beat - sixteenth) <= abs(beat - triplet) + 1e-3 else triplet


def render_demo(seed: int):
    """(drums, rest, chart): mono float32 drum and accompaniment tracks and the chart of what was played."""
    from app.domain.notes import Note
    from app.domain.phrases import Section
    from app.domain.song import empty_chart
    from app.domain.tempo_map import TempoChange, TempoMap
    from app.training.synth.accompaniment import accompaniment
    from app.training.synth.grooves import generate_groove
    from app.training.synth.pattern import Humanize
    from app.training.synth.procedural_kit import procedural_kit
    from app.training.synth.render import MixSettings, mix_stems, render_stems

    rng = np.random.default_rng(seed)
    pattern = generate_groove(rng, "rock", BPM, (4, 4), BARS_S, unpatterned=0.0,
                              humanize=Humanize(0.002, 0.0, 0.05, 0.0))
    stems, labels = render_stems(pattern, procedural_kit(seed), rng, MixSettings.dry())
    drums = mix_stems(stems, MixSettings.dry(), rng)
    music, _how = accompaniment(rng, pattern, None, use_fluidsynth=False)
    music = music[:len(drums)] if len(music) >= len(drums) else np.pad(music, (0, len(drums) - len(music)))
    rms = lambda x: float(np.sqrt(np.mean(x ** 2))) + 1e-9  # noqa: E731
    music = music * (rms(drums) / rms(music) * 10 ** (-4 / 20))   # music 4 dB under the drums
    beat_s = 60 / BPM
    lead = _lead_in(np.array([l.time_s for l in labels]), BPM)
    pad = int(round((4 * beat_s - lead) * SAMPLE_RATE))  # one empty bar before beat 1: the grid starts at 0 s
    drums, music = np.pad(drums, (pad, 0)), np.pad(music, (pad, 0))
    peak = float(np.max(np.abs(drums + music))) / 0.9
    drums, music = (drums / peak).astype(np.float32), (music / peak).astype(np.float32)

    chart = empty_chart("Chart Hero Demo", "Chart Hero")
    chart.tempo_map = TempoMap([TempoChange(0, BPM)], chart.tempo_map.time_signatures, chart.resolution)
    lanes, res = class_to_lane(), chart.resolution
    for lab in labels:
        if lab.cls not in lanes:
            continue
        lane, cymbal = lanes[lab.cls]
        tick = int(round((_snap_beats((lab.time_s - lead) / beat_s) + 4) * res))
        chart.drums.expert.put(Note(tick, lane, cymbal=cymbal))
    bars = int(np.ceil(chart.drums.expert.last_tick / (4 * res)))
    names = ["Intro", "Verse", "Chorus", "Verse 2", "Outro"]
    chart.sections = [Section(b * 4 * res, names[min(k, len(names) - 1)]) for k, b in enumerate(range(1, bars, 4))]
    m = chart.metadata
    m.charter, m.album, m.genre, m.year, m.preview_start_ms = "Chart Hero", "Chart Hero", "Rock", "2026", 8000
    return drums, music, chart


def _lanes_used(chart) -> set:
    return {(n.lane, n.cymbal) for n in chart.drums.expert}


def main(argv=None) -> int:
    from app.audio.decode import write_chunked
    from app.io.any_format import with_generated_difficulties
    from app.io.midi_file import write_midi
    from app.io.song_ini import write_song_ini

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=None, help="render this seed (default: the first good one)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for seed in ([args.seed] if args.seed is not None else range(1, 60)):
        drums, music, chart = render_demo(seed)
        toms = {(lane, False) for lane in (Lane.YELLOW, Lane.BLUE, Lane.GREEN)}
        crashes = sum(1 for n in chart.drums.expert if n.lane is Lane.GREEN and n.cymbal)
        if args.seed is not None or (toms <= _lanes_used(chart) and crashes >= 3):
            break
    args.out.mkdir(parents=True, exist_ok=True)
    chart.metadata.song_length_ms = int(len(drums) * 1000 / SAMPLE_RATE)
    chart.metadata.diff_drums = 2
    kw = dict(format="OGG", subtype="VORBIS", compression_level=0.75)
    write_chunked(str(args.out / "song.ogg"), music, SAMPLE_RATE, **kw)
    write_chunked(str(args.out / "drums.ogg"), drums, SAMPLE_RATE, **kw)
    write_midi(with_generated_difficulties(chart), args.out / "notes.mid")
    write_song_ini(chart.metadata, args.out / "song.ini")
    size = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"seed {seed}: {len(chart.drums.expert)} notes, {len(drums) / SAMPLE_RATE:.1f} s, "
          f"{size / 1e6:.2f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
