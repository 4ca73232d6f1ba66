"""Thin Qt adapters (QThread workers, playback engine) around the plain long-running functions."""
