# Run sheets-sync from a checkout: .venv/bin/python cli.py --help (after `make run`)
import sys

if __name__ == "__main__":
    try:
        from sheets_sync.cli import cli

        cli.main()  # commands import what they need as they run (rich, openpyxl, ...)
    except ModuleNotFoundError as exc:  # a Python without the dependencies: no traceback
        if (exc.name or "").partition(".")[0] == "sheets_sync":
            raise
        print(
            f"error: this Python cannot import {exc.name} ({sys.executable}); run "
            "`make .venv/.installed` once, then `.venv/bin/python cli.py ...` or "
            "`.venv/bin/sheets-sync ...`",
            file=sys.stderr,
        )
        sys.exit(2)
