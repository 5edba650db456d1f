"""The Jinja2 environment every HTML document is drawn from (the register, the trainer page).

Templates live in ``deliberation/templates`` and ship in the wheel. Autoescaping is on for
every template whatever its name, and undefined names are errors, so text from files (labels,
matter texts) can never become markup and a misspelt field fails loudly instead of printing
nothing. Templates hold structure only: every word a reader sees arrives as a value, already
translated.

>>> environment().from_string("<p>{{ x }}</p>").render(x="<b>&</b>")
'<p>&lt;b&gt;&amp;&lt;/b&gt;</p>'
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def environment() -> jinja2.Environment:
    """The shared environment (built once: it compiles and caches the templates)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("deliberation", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **values: Any) -> str:
    """Render the packaged ``template`` with ``values``."""
    return environment().get_template(template).render(**values)


__all__ = ["environment", "render"]
