"""Guitar note-event classification (harmonic, dead_note, general_note): data, model, training, inference."""
