"""The window's actions and menus (File, Edit, View, Chart, Help), with shortcuts from the keymap."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from app.domain.lanes import DIFFICULTIES_HARD_FIRST
from app.ui import note_actions as N
from app.ui.keymap import LANE_KEYS, SHORTCUTS
from app.ui.glyphs import LANE_LABELS

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class EditorActions:
    """Creates every QAction on the window (so shortcuts work from any child) and fills the menu bar."""

    def __init__(self, win: "MainWindow") -> None:
        self.win = win
        self.by_name: dict[str, QAction] = {}
        doc = win.document
        stack = doc.undo_stack
        undo = stack.createUndoAction(win, "&Undo")
        redo = stack.createRedoAction(win, "&Redo")
        for name, action in (("undo", undo), ("redo", redo)):
            self._shortcut(action, name)
            win.addAction(action)
            self.by_name[name] = action

        a = self.add
        self.file = [a("new", "&New", win.new_chart), a("open", "&Open audio, chart or project...", win.open_dialog),
                     a("open_folder", "Open song &folder...", lambda: win.open_dialog(folder=True)), None,
                     a("save", "&Save", win.save), a("save_as", "Save &As...", win.save_as), None,
                     a("export_folder", "&Export song folder...", win.export_song_folder),
                     a("export_gm", "Export &GM MIDI...", win.export_gm_midi),
                     a("export_notation", "Export sheet &music (MusicXML/PDF)...", win.export_notation), None]
        self.edit = [undo, redo, None,
                     a("cut", "Cu&t", win.cut), a("copy", "&Copy", win.copy), a("paste", "&Paste", win.paste),
                     a("delete", "&Delete", lambda: N.delete_selection(doc)),
                     a("select_all", "Select &All", lambda: N.select_all(doc)), None,
                     a("nudge_left", "Nudge left one grid step", lambda: N.nudge_selection(doc, -1)),
                     a("nudge_right", "Nudge right one grid step", lambda: N.nudge_selection(doc, 1))]
        self.notes = [a(f"toggle_{flag}", f"Toggle {label}", lambda f=flag: N.toggle_flag(doc, f))
                      for flag, label in (("cymbal", "cymbal / tom"), ("double_kick", "2x kick"),
                                          ("accent", "accent"), ("ghost", "ghost"), ("flam", "flam"))]
        self.notes.append(None)
        for key, lane in LANE_KEYS.items():
            act = a(f"lane_{int(lane)}", f"Place/remove {LANE_LABELS[lane]} at cursor",
                    lambda lane=lane: N.toggle_note_at_cursor(doc, lane))
            act.setShortcut(QKeySequence(key))
            self.notes.append(act)
        self.cymbals = a("place_cymbals", "New yellow/blue/green notes are cymbals",
                         lambda on: setattr(doc, "place_cymbals", on), checkable=True)
        self.cymbals.setChecked(True)
        self.notes += [None, self.cymbals]
        self.view = [a("zoom_in", "Zoom &in", lambda: win.timeline.zoom(0.7, doc.cursor_s)),
                     a("zoom_out", "Zoom &out", lambda: win.timeline.zoom(1 / 0.7, doc.cursor_s)),
                     a("snap_finer", "Finer grid", lambda: doc.step_snap(1)),
                     a("snap_coarser", "Coarser grid", lambda: doc.step_snap(-1)),
                     a("cursor_left", "Cursor one grid step left", lambda: win.step_cursor(-1)),
                     a("cursor_right", "Cursor one grid step right", lambda: win.step_cursor(1)),
                     a("play", "&Play / pause", win.transport.toggle_play), None]
        group = QActionGroup(win)
        for d in DIFFICULTIES_HARD_FIRST:
            act = a(f"difficulty_{d.name.lower()}", d.title, lambda _c=False, d=d: doc.set_difficulty(d),
                    checkable=True)
            act.setChecked(d is doc.difficulty)
            group.addAction(act)
            self.view.append(act)
        doc.difficulty_changed.connect(lambda d: self.by_name[f"difficulty_{d.name.lower()}"].setChecked(True))
        self.chart = [a("generate", "&Generate lower difficulties from Expert", win.generate_difficulties),
                      a("validate", "&Validate chart", win.validate), None,
                      a("add_tempo", "Add/edit &tempo at cursor...", win.edit_tempo_at_cursor),
                      a("add_time_signature", "Add time &signature at cursor...", win.edit_signature_at_cursor),
                      a("tap_tempo", "Ta&p tempo...", win.tap_tempo_dialog)]
        self.help = [a("about", "&About Chart Hero", win.about)]
        from app.ui.autochart_setup import autochart_actions
        self.autochart = autochart_actions(self)
        self._fill_menus()

    def add(self, name: str, text: str, slot: Callable, checkable: bool = False) -> QAction:
        action = QAction(text, self.win)
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
        self._shortcut(action, name)
        self.win.addAction(action)
        self.by_name[name] = action
        return action

    @staticmethod
    def _shortcut(action: QAction, name: str) -> None:
        keys = SHORTCUTS.get(name)
        if keys:
            keys = [keys] if isinstance(keys, str) else keys
            action.setShortcuts([QKeySequence(k) for k in keys])

    def _fill_menus(self) -> None:
        bar = self.win.menuBar()
        for title, items in (("&File", self.file), ("&Edit", self.edit), ("&Notes", self.notes),
                             ("&View", self.view), ("&Chart", self.chart),
                             ("&Auto-chart", self.autochart), ("&Help", self.help)):
            menu = bar.addMenu(title)
            for item in items:
                menu.addSeparator() if item is None else menu.addAction(item)
            if title == "&File":
                self.recent_menu = menu.addMenu("Recent files")
                self.recent_menu.aboutToShow.connect(self.win.fill_recent_menu)
                menu.addSeparator()
                menu.addAction(self.add("quit", "&Quit", self.win.close))
