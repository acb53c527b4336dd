"""python -m sheets_sync.emulator"""

from sheets_sync.emulator.cli import emulator_command

if __name__ == "__main__":
    emulator_command()
