"""Create workspaces: an empty one per team list (``init``) or a realistic demo (``demo``)."""

from sheets_sync.workspace.init import init_workspace, quarter_of

__all__ = ["init_workspace", "quarter_of"]
