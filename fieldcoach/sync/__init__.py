"""The team store contract: export documents, the store writer, the importer, the schema.

Nothing here imports textual; pydantic is imported only by the modules that validate
(import, schema), so exporting stays plain sqlite3 + json.
"""

SCHEMA_ID = "fieldcoach/1"
SCHEMA_VERSION = 1
