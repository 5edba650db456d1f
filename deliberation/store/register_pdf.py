"""The register (:mod:`deliberation.store.register`) as an A4 PDF with page numbers.

Drawn with ReportLab's page layout engine (platypus) in Adobe's standard CJK fonts
(``STSong-Light`` for simplified Chinese and English, ``MSung-Light`` for traditional Chinese).
These fonts are built into ReportLab and referenced, not embedded: the PDF needs no font file
on the machine that makes it, and its text layer is real Unicode text (searchable, and
extractable for checking). Readers supply the glyphs (every PDF reader in China does; Adobe
Reader elsewhere offers its free Asian font pack).

Text is set as text, never as markup: every value is escaped before it reaches ReportLab's
paragraph parser, so a matter text such as ``<font size=80>`` prints as written.

>>> from deliberation.roster import Roster
>>> from deliberation.store import open_store
>>> from deliberation.store.archive import archive_data
>>> from deliberation.store.cases import new_case
>>> store = open_store("sqlite:///:memory:")
>>> case = new_case(store, "four-deliberations", Roster.generate(), matter="修村道")
>>> register_pdf(archive_data(store, case.id), lang="zh-Hant")[:5]
b'%PDF-'
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from html import escape
from typing import Any, Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from deliberation.definition.loader import Library
from deliberation.definition.model import Procedure
from deliberation.store.register import Grid, Register, Row, build_register

# Simplified Chinese (and the Latin of English pages) in Adobe-GB1; traditional in Adobe-CNS1,
# whose glyphs are the traditional forms readers expect.
FONTS: Final = {"zh-Hans": "STSong-Light", "zh-Hant": "MSung-Light", "en": "STSong-Light"}
MARGIN: Final = 14 * mm
LABEL_WIDTH: Final = 30 * mm


@cache
def _font(lang: str) -> str:
    name = FONTS[lang]
    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


@cache
def _styles(lang: str) -> dict[str, ParagraphStyle]:
    font = _font(lang)
    # wordWrap="CJK" breaks lines between any two characters, as Chinese is set; English pages
    # keep breaking between words.
    wrap = None if lang == "en" else "CJK"
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap=wrap)
    return {
        "body": base,
        "label": ParagraphStyle("label", parent=base),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=24,
                                alignment=TA_CENTER, spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=4 * mm,
                             spaceAfter=1.5 * mm),
        "mono": ParagraphStyle("mono", parent=base, fontName="Courier", fontSize=9.5,
                               wordWrap=None),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: ReportLab reads ``<…>`` as markup)."""
    return Paragraph(escape(text, quote=False).replace("\n", "<br/>"), style)


_GRID: Final = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
])


def _form(rows: tuple[Row, ...], st: Mapping[str, ParagraphStyle], width: float,
          mono_row: int | None = None) -> Table:
    data = [[_p(r.label, st["label"]),
             _p(r.value, st["mono"] if i == mono_row else st["body"])]
            for i, r in enumerate(rows)]
    table = Table(data, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH], splitByRow=True)
    table.setStyle(_GRID)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee"))]))
    return table


def _sheet(grid: Grid, st: Mapping[str, ParagraphStyle], width: float) -> list[Flowable]:
    lines = [[_p(cell, st["small"]) for cell in line] for line in grid.lines]
    table = Table(lines, colWidths=[width / grid.columns] * grid.columns, repeatRows=0)
    table.setStyle(_GRID)
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [Spacer(0, 2 * mm), _p(grid.caption, st["body"]), table]


def _story(reg: Register) -> list[Flowable]:
    st = _styles(reg.lang)
    width = A4[0] - 2 * MARGIN
    story: list[Flowable] = [_p(reg.title, st["title"]), _form(reg.heading, st, width)]
    for section in reg.sections:
        # a heading never ends a page (KeepTogether splits what is longer than a page)
        story.append(KeepTogether([_p(section.title, st["h2"]),
                                   _form(section.rows, st, width)]))
        for grid in section.grids:
            story.extend(_sheet(grid, st, width))
    story.append(KeepTogether([_p(reg.chain_title, st["h2"]),
                               _form(reg.chain, st, width, mono_row=1),
                               Spacer(0, 1.5 * mm), _p(reg.chain_note, st["body"])]))
    return story


def _build(reg: Register, pages: int | None) -> tuple[bytes, int]:
    """One layout pass; the footer says "of ``pages``" (the footer never moves the text, so
    a first pass counts the pages and a second prints the count)."""
    font = _styles(reg.lang)["body"].fontName

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.setFont(font, 8.5)
        canvas.drawCentredString(A4[0] / 2, 8 * mm, reg.page_label.format(
            page=doc.page, pages=pages if pages is not None else "?"))

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
                            title=f"{reg.title} · {reg.heading[0].value}", lang=reg.lang,
                            creator="deliberation", invariant=True)
    doc.build(_story(reg), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue(), doc.page


def render_pdf(reg: Register) -> bytes:
    """The PDF bytes of a built register."""
    _, pages = _build(reg, None)
    return _build(reg, pages)[0]


def register_pdf(data: Mapping[str, Any], *, lang: str = "zh-Hans",
                 library: Library | None = None, procedure: Procedure | None = None) -> bytes:
    """The register of the archive ``data`` as PDF bytes in ``lang``."""
    return render_pdf(build_register(data, lang=lang, library=library, procedure=procedure))


__all__ = ["register_pdf", "render_pdf"]
