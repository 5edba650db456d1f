"""The HTTP routes, one module per resource; :mod:`.common` holds what they share."""
