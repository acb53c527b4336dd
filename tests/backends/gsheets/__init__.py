"""A package, so its conftest's package-scoped emulator stops after these tests."""
