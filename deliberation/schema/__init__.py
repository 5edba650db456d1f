"""The JSON Schema of the procedure format (procedure.schema.json)."""
