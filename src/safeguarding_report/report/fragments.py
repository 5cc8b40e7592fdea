"""HTML fragments come from Jinja macros, with autoescaping: one environment, compiled once.

Every piece of HTML the library writes (a table, a chart's figure, a banner, a section's
narrative frame, the title page, the contents, the checklist, the cover report's numbered
paragraphs and lettered lists) is a macro in ``templates/fragments/<name>.html.j2``, called
as ``render("<name>", "<macro>", ...)``. Values are escaped as they go in; HTML that is
already safe (Markdown rendered by ``markup.render``, or another fragment) is passed in as
``markupsafe.Markup`` and goes in as it is.

Text is escaped as ``markup.escape_html`` escapes it (the standard library's ``html.escape``:
``&#x27;`` for an apostrophe, ``&quot;`` for a double quote), so a fragment's bytes do not
depend on which path wrote them. The templates are compiled when this module is imported:
the build imports the sections before it forks one process per section, so no section
compiles them again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from safeguarding_report.core import markup

TEMPLATES = Path(__file__).parents[1] / "templates"
FRAGMENTS = TEMPLATES / "fragments"
SUFFIX = ".html.j2"


def _escaped(value: Any) -> Any:
    """Every value a template prints: safe HTML as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value
    return markupsafe.Markup(markup.escape_html(str(value)))


ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(FRAGMENTS),
    autoescape=True,
    finalize=_escaped,
    undefined=jinja2.StrictUndefined,
)

# Each template's macros, compiled once: {"tables": <module with table(...)>, ...}.
_MACROS: dict[str, Any] = {
    path.name.removesuffix(SUFFIX): ENVIRONMENT.get_template(path.name).module
    for path in sorted(FRAGMENTS.glob(f"*{SUFFIX}"))
}


def render(template: str, macro: str, /, *args: Any, **values: Any) -> str:
    """The HTML ``macro`` of ``templates/fragments/<template>.html.j2`` makes from the values."""
    return str(getattr(_MACROS[template], macro)(*args, **values))


def safe(html: str) -> markupsafe.Markup:
    """HTML the library made (rendered Markdown, a fragment), to pass into another fragment."""
    return markupsafe.Markup(html)


def page(folder: str, template: str, stylesheet: str, /, **values: Any) -> str:
    """A whole self-contained page: ``templates/<folder>/<template>`` with every value
    escaped, and the folder's ``stylesheet`` inlined as ``css``, as written (it is the kit's
    own file: escaping it would turn its quoted font names into ``&#34;``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / folder),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    css = markupsafe.Markup((TEMPLATES / folder / stylesheet).read_text(encoding="utf-8"))
    return env.get_template(template).render(css=css, **values)
