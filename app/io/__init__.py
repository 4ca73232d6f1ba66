"""File formats: notes.mid, notes.chart, song.ini, GM MIDI, song folders, project files."""
