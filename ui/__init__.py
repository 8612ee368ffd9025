"""The PySide6 desktop client (main window, workspaces, intake wizard) — arrives with its own issue."""
