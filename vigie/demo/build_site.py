"""Regenerate the demo commune's PDFs (``vigie/demo/site/documents/``) from their texts.

    .venv/bin/python -m vigie.demo.build_site

Each PDF is laid out with reportlab (a test extra) from ``texts/documents/<stem>.yaml`` following
``texts/layouts.yaml``; the PDFs are committed, so `vigie demo` never needs reportlab (its HTML
pages are rendered from templates when it starts: see :mod:`vigie.demo.pages`). The build is
deterministic: running it again yields identical bytes.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pypdfium2 as pdfium
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from vigie.demo.pages import SITE, TEXTS, Document, TextError, french_date, load_texts, read_yaml

SOFT_HYPHEN_MARK = "{-}"  # in the texts: where a word may be split at the end of a line


# -- PDFs -----------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "p",
        fontName="Helvetica",
        fontSize=10.5,
        leading=14.5,
        alignment=TA_JUSTIFY,
        spaceAfter=6,
        embeddedHyphenation=1,
        splitLongWords=0,
    )
    styles = {
        "p": body,
        "bold": ParagraphStyle("bold", body, fontName="Helvetica-Bold"),
        "small": ParagraphStyle("small", body, fontSize=8.5, leading=11, alignment=TA_LEFT, spaceAfter=2),
        "title": ParagraphStyle(
            "title",
            body,
            fontName="Helvetica-Bold",
            fontSize=12.5,
            leading=16,
            alignment=TA_CENTER,
            spaceBefore=14,
            spaceAfter=4,
        ),
        "subtitle": ParagraphStyle("subtitle", body, fontName="Helvetica-Bold", alignment=TA_CENTER, spaceAfter=12),
        "h": ParagraphStyle("h", body, fontName="Helvetica-Bold", alignment=TA_LEFT, spaceBefore=8, keepWithNext=1),
        "item": ParagraphStyle("item", body, leftIndent=0.9 * cm, bulletIndent=0.3 * cm, spaceAfter=4),
        "cell": ParagraphStyle("cell", body, fontSize=9, leading=11, alignment=TA_LEFT, spaceAfter=0),
        "number": ParagraphStyle("number", body, fontSize=9, leading=11, alignment=TA_RIGHT, spaceAfter=0),
    }
    for name in ("cell", "number"):
        styles[name + "_bold"] = ParagraphStyle(name + "_bold", styles[name], fontName="Helvetica-Bold")
    return styles


_NUMBER = re.compile(r"^[-+]?\s?[\d\s\u00a0,.]+\s?(€|%)?$")
PARAGRAPH_PARTS = ("title", "subtitle", "p", "bold", "small")


class PdfLayout:
    """Lays one document out as a reportlab story, following its layout in ``texts/layouts.yaml``."""

    def __init__(self, site: dict[str, Any], layouts: dict[str, Any], document: Document) -> None:
        self.site, self.commune, self.doc, self.seance = site, site["commune"], document.data, document.seance
        self.origin = TEXTS / "documents" / f"{document.stem}.yaml"
        if self.doc.get("layout") not in layouts["layouts"]:
            raise TextError(
                f"{self.origin}: layout {self.doc.get('layout')!r} is not one of "
                f"{sorted(layouts['layouts'])} (texts/layouts.yaml)"
            )
        self.layout = layouts["layouts"][self.doc["layout"]]
        self.values = self.fields(layouts["votes"])
        self.styles = _styles()

    def fields(self, votes: dict[str, str]) -> dict[str, str]:
        """The values of the ``{name}`` fields of the layout, for this document."""
        doc, seance = self.doc, self.seance
        values = {key: self.commune[key] for key in ("name", "town", "siren", "mayor", "meeting_hour", "meeting_place")}
        values.update({key: str(doc.get(key, "")) for key in ("number", "status", "heading")})
        values["decides"] = doc.get("decides") or self.layout.get("decides", "")
        if seance:
            values.update(
                date=french_date(seance.date),
                weekday_date=french_date(seance.date, weekday=True),
                date_compact=f"{seance.date:%Y%m%d}",
                convocation=french_date(seance.data["convocation"]),
                secretary=seance.data.get("secretary", ""),
            )
        for key in ("transmitted", "published"):
            if key in doc:
                values[key] = f"{doc[key]:%d/%m/%Y}"
        if "vote" in doc:
            vote = doc["vote"]
            form = votes["unanimous"] if vote["contre"] == vote["abstention"] == 0 else votes["divided"]
            word = "abstentions" if vote["abstention"] > 1 else "abstention"
            values["vote_result"] = form.format(**vote, abstention_word=word)
        return values

    def fill(self, text: str) -> str:
        try:
            return text.format_map(self.values)
        except KeyError as exc:
            raise TextError(
                f"{self.origin}: layout {self.doc['layout']!r} needs the field {exc}, which this document lacks"
            ) from None

    def p(self, text: str, style: str = "p", bullet: str | None = None, lead: bool = False) -> Paragraph:
        """A paragraph of plain text; with ``lead``, its first word in bold (an article's "APPROUVE …")."""
        text = escape(" ".join(text.split())).replace(SOFT_HYPHEN_MARK, "\u00ad")
        if lead:
            verb, _, rest = text.partition(" ")
            text = f"<b>{verb}</b> {rest}"
        return Paragraph(text, self.styles[style], bulletText=bullet)

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for part in self.layout["parts"]:
            ((kind, arg),) = part.items()
            if kind in PARAGRAPH_PARTS:
                text = self.fill(arg)
                story.extend([self.p(text, kind)] if text.strip() else [])
            elif kind == "space":
                story.append(Spacer(1, arg))
            elif hasattr(self, f"part_{kind}"):
                story.extend(getattr(self, f"part_{kind}")(arg))
            else:
                raise TextError(f"{TEXTS / 'layouts.yaml'}: unknown part {kind!r} (the parts are listed at the top)")
        return story

    # -- parts (see texts/layouts.yaml) --

    def part_letterhead(self, arg: dict[str, Any] | None) -> list[Flowable]:
        arg = arg or {}
        left = [
            self.p("RÉPUBLIQUE FRANÇAISE", "small"),
            self.p(self.commune["name"].upper(), "bold"),
            self.p(self.commune["departement"], "small"),
            self.p(self.commune["address"], "small"),
        ]
        right = [self.p(self.fill(line), "small") for line in arg.get("lines", [])]
        table = Table([[left, right]], colWidths=[9.5 * cm, 6.5 * cm])
        style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if arg.get("boxed"):
            style += [
                ("BOX", (1, 0), (1, 0), 0.8, colors.black),
                ("BACKGROUND", (1, 0), (1, 0), colors.HexColor("#f2f2f2")),
            ]
        table.setStyle(TableStyle(style))
        return [table]

    def part_attendance(self, _: None) -> list[Flowable]:
        seance, data = self.seance, self.seance.data
        preamble = self.commune["preamble"].format(
            date_words=data["date_words"], convocation=self.values["convocation"]
        )
        proxies = [f"{name} à {proxy}" for name, proxy in seance.absent.items() if proxy]
        excused = [name for name, proxy in seance.absent.items() if not proxy]
        story = [
            self.p(preamble),
            self.p(
                f"Nombre de conseillers en exercice : {len(seance.council)} – présents : "
                f"{len(seance.present)} – votants : {seance.voters}",
                "bold",
            ),
            self.p("Présents : " + ", ".join(seance.present) + ".", "small"),
        ]
        if proxies:
            story.append(self.p("Absents ayant donné procuration : " + ", ".join(proxies) + ".", "small"))
        if excused:
            story.append(self.p("Absents excusés : " + ", ".join(excused) + ".", "small"))
        return story + [self.p(f"Secrétaire de séance : {data['secretary']}", "small"), Spacer(1, 8)]

    def part_act(self, label: str) -> list[Flowable]:
        rapporteur = self.doc["rapporteur"]
        return [
            self.p(f"{label} n° {self.doc['number']}", "bold"),
            self.p(f"Objet : {self.doc['object']}", "bold"),
            self.p(f"Rapporteur : {rapporteur}, {self.site['roles'][rapporteur].lower()}", "small"),
            Spacer(1, 6),
        ]

    def part_blocks(self, key: str) -> list[Flowable]:
        """Paragraphs (strings), ``{h: …}`` headings, ``{list: […]}``, ``{vote: …}`` and ``{table: […]}``."""
        story: list[Flowable] = []
        for block in self.doc.get(key, []):
            if isinstance(block, str):
                story.append(self.p(block))
            elif "h" in block:
                story.append(self.p(block["h"], "h"))
            elif "list" in block:
                story.extend(self.p(item, "item", bullet="–") for item in block["list"])
            elif "vote" in block:
                story.append(self.p(block["vote"], "bold"))
            elif "table" in block:
                story.append(self.table(block["table"], block.get("widths")))
            else:
                raise TextError(f"{self.origin}: unknown block {sorted(block)}; use h, list, vote or table")
        return story

    def part_articles(self, _: None) -> list[Flowable]:
        return [self.p(text, "item", bullet=f"{n}.", lead=True) for n, text in enumerate(self.doc["articles"], 1)]

    def part_agenda(self, _: None) -> list[Flowable]:
        story, number = [], 0
        for section in self.doc["sections"]:
            story.append(self.p(section["h"], "h"))
            for item in section["items"]:
                number += 1
                story.append(self.p(item, "item", bullet=f"{number}."))
        return story

    def part_tables(self, key: str) -> list[Flowable]:
        return [self.table(rows, [4.5, 11.5]) for rows in self.doc[key]]

    def part_notes(self, _: None) -> list[Flowable]:
        return [self.p(note, "small") for note in self.doc.get("notes", [])]

    def part_signature(self, columns: list[str]) -> list[Flowable]:
        cells = [[self.p(line, "small") for line in self.fill(column).split("\n")] for column in columns]
        widths = [8 * cm] * len(cells) if len(cells) > 1 else [6 * cm]
        return [Table([cells], colWidths=widths, hAlign="RIGHT", spaceBefore=12)]

    def table(self, rows: list[list[Any]], widths: list[float] | None) -> Table:
        """A grid; the header row and "Total" rows in bold, amounts aligned to the right."""
        cells = []
        for index, row in enumerate(rows):
            bold = "_bold" if index == 0 or str(row[0]).startswith("Total") else ""
            cells.append(
                [
                    self.p(str(cell), ("number" if i and _NUMBER.match(str(cell)) else "cell") + bold)
                    for i, cell in enumerate(row)
                ]
            )
        table = Table(
            cells, colWidths=[w * cm for w in widths] if widths else None, hAlign="LEFT", spaceBefore=4, spaceAfter=10
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ]
            )
        )
        return table


def render_pdf(site: dict[str, Any], layouts: dict[str, Any], document: Document) -> bytes:
    """The PDF of one document, A4, with "Page n/N" footers; identical bytes on every run."""
    layout = PdfLayout(site, layouts, document)
    notice, label = site["commune"]["fictional_pdf"], layout.fill(layout.layout["footer"])
    total = 0

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.line(2.5 * cm, 1.9 * cm, A4[0] - 2.5 * cm, 1.9 * cm)
        canvas.drawString(2.5 * cm, 1.5 * cm, label)
        canvas.drawRightString(A4[0] - 2.5 * cm, 1.5 * cm, f"Page {doc.page}/{total or doc.page}")
        canvas.setFont("Helvetica-Oblique", 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawCentredString(A4[0] / 2, 1.0 * cm, notice)
        canvas.restoreState()

    for _ in range(2):  # the first pass counts the pages for "Page n/N"
        buffer = io.BytesIO()
        pdf = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=2.5 * cm,
            rightMargin=2.5 * cm,
            topMargin=2 * cm,
            bottomMargin=2.5 * cm,
            invariant=1,
            title=document.data["title"],
            author=site["commune"]["name"],
            subject=notice,
            creator="vigie/demo/build_site.py",
        )
        pdf.build(layout.story(), onFirstPage=footer, onLaterPages=footer)
        total = pdf.page
    return buffer.getvalue()


def check_split(document: Document, data: bytes) -> None:
    """Fail unless the word marked ``split`` really is cut at the end of a line in the PDF.

    Read with pypdfium2 itself, not Vigie's extractor, which may learn to join such words.
    """
    word = document.data.get("split")
    if not word:
        return
    pdf = pdfium.PdfDocument(data)
    try:
        text = "".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    finally:
        pdf.close()
    joined = re.sub(r"\x02\r?\n?|\xad|-\r?\n", "", text)  # pdfium marks a line-end hyphen with \x02
    if word in text or word not in joined:
        raise TextError(
            f"{TEXTS / 'documents' / document.stem}.yaml: {word!r} is not split at a line end; "
            f"move the {SOFT_HYPHEN_MARK} mark or reword the sentence around it"
        )


def build(out: Path = SITE) -> list[Path]:
    """Write every PDF under ``out``; returns the files written."""
    site, _, documents = load_texts()
    layouts = read_yaml(TEXTS / "layouts.yaml")
    written = []
    for document in documents:
        data = render_pdf(site, layouts, document)
        check_split(document, data)
        target = out / document.data["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vigie.demo.build_site", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=SITE, help=f"where to write the PDFs (default: {SITE})")
    out = parser.parse_args(argv).out
    try:
        for path in build(out):
            print(path.relative_to(out))
    except TextError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
