"""The rules a procedure may name: one module per family, each rule's one code path.

See :mod:`deliberation.rules.registry` for the registry.
"""
