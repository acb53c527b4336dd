"""Mappings: how a team's own layout (tabs, header words, row shapes) maps to our fields."""

from sheets_sync.mapping.spec import MappingSpec, TabSpec, load_mapping

__all__ = ["MappingSpec", "TabSpec", "load_mapping"]
