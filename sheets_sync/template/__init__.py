"""The team template: one declarative spec (``spec.TEMPLATE``) and its xlsx rendering."""

from sheets_sync.template.spec import (
    TEMPLATE,
    ColumnSpec,
    ReadMeSpec,
    TabTemplate,
    TemplateSpec,
)

__all__ = ["TEMPLATE", "ColumnSpec", "ReadMeSpec", "TabTemplate", "TemplateSpec"]
