"""Project-wide constants: sample rate, frame rate, chart resolution, drum classes and lanes."""

# ---- chart time -------------------------------------------------------------------------
TICKS_PER_BEAT = 480
"""Resolution (ticks per quarter note) of charts Chart Hero creates and of every notes.mid it writes."""

DEFAULT_BPM = 120.0

# ---- audio / features --------------------------------------------------------------------
SAMPLE_RATE = 44100
"""Sample rate (Hz) of all audio the transcription model sees."""

HOP_LENGTH = 256
"""Feature hop in samples: 256 / 44100 Hz = 5.8 ms per frame."""

FRAME_RATE = SAMPLE_RATE / HOP_LENGTH
"""Feature frames per second (~172.3)."""

# ---- drum vocabulary -----------------------------------------------------------------------
DRUM_CLASSES: tuple[str, ...] = (
    "kick",
    "snare_head",
    "snare_rim",      # cross-stick / rim click: its own sound, not charted by default
    "hihat_closed",
    "hihat_open",
    "hihat_pedal",
    "ride_body",
    "ride_bell",
    "crash",          # crash, splash and china
    "tom_high",
    "tom_mid",
    "tom_floor",
)
"""Fine drum classes that the renderer labels and the model predicts (one sigmoid each)."""

DRUM_CLASS_INDEX = {name: i for i, name in enumerate(DRUM_CLASSES)}

EVAL_CLASSES: tuple[str, ...] = ("kick", "snare", "toms", "hihat", "cymbals")
"""The five classes of the ADTOF / MDB Drums evaluation convention (cymbals = crash + ride)."""

FINE_TO_EVAL = {
    "kick": "kick",
    "snare_head": "snare",
    "snare_rim": None,
    "hihat_closed": "hihat",
    "hihat_open": "hihat",
    "hihat_pedal": "hihat",
    "ride_body": "cymbals",
    "ride_bell": "cymbals",
    "crash": "cymbals",
    "tom_high": "toms",
    "tom_mid": "toms",
    "tom_floor": "toms",
}
"""Fine class -> evaluation class (None: not scored, as MDB Drums files it under 'other')."""
