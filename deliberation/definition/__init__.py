"""The definition language: a procedure as data.

``model`` (the frozen records a procedure is made of), ``loader`` (validation, ``extends:``,
the search path, over the located YAML of :mod:`deliberation.yamlsource`), ``checks``
(whole-procedure checks), ``dump`` (back to YAML) and ``schema`` (the JSON Schema, generated
from the model and the rule registry).
"""
