from sheets_sync.cli import entry

entry()
