"""Chart Hero: a drum-charting editor with assisted transcription for Clone Hero."""
__version__ = "0.1.0"
