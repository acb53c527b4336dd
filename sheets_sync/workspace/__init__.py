"""Create workspaces: an empty one per team list (``init``) or a realistic demo (``demo``;
``demo --google`` in a local Sheets emulator: ``google_demo.py``)."""

from sheets_sync.workspace.init import init_workspace, quarter_of

__all__ = ["init_workspace", "quarter_of"]
