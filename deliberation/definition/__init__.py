"""The definition language: a procedure as data.

``model`` (the frozen records a procedure is made of), ``source`` (YAML read with every node's
location), ``loader`` (validation, ``extends:``, the search path), ``checks`` (whole-procedure
checks), ``dump`` (back to YAML) and ``schema`` (the JSON Schema, generated from the model and
the rule registry).
"""
