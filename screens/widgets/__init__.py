"""Pieces the screens share: footer, fields, choices, tables, dialogs, drafts, formatting.
None of them imports a screen."""
