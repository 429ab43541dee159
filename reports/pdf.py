"""The printable summary: scope, the rates with their numerators and denominators, the trend
as a line chart, the region parts as a bar chart, and the tables. reportlab throughout (the
CJK font embedded, as in the certificates), so the PDF prints the same everywhere. Every text
goes through documents.pdf.para: region, industry and enterprise names are typed by people
and must never be read as reportlab markup."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from documents.pdf import a4_document, cjk_font, para, styles

from .definitions import RATES, RATES_BY_CODE, WHO_COUNTS
from .exports import GROUP_TITLES
from .selectors import ReportParams

PALETTE = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626"]
TABLE_RATES = ["certification_rate", "participation_rate", "hours_rate", "final_pass_rate"]


def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _grid(data, font, widths=None) -> Table:
    # Header cells wrap (long Chinese labels in narrow columns); the rest are short numbers.
    head = ParagraphStyle("th", fontName=font, fontSize=8, leading=10)
    data = [[para(c, head) for c in data[0]], *data[1:]]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _trend_chart(trend, font) -> Drawing:
    drawing = Drawing(180 * mm, 62 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, 160 * mm, 42 * mm
    shown = RATES[:3]
    chart.data = [[(p[r.code] or 0) * 100 for p in trend] for r in shown]
    chart.categoryAxis.categoryNames = [p["on"].strftime("%y-%m") for p in trend]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    for i in range(len(shown)):
        chart.lines[i].strokeColor = colors.HexColor(PALETTE[i])
        chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 14 * mm, 60 * mm
    legend.fontName, legend.fontSize = font, 7.5
    legend.columnMaximum, legend.dx, legend.dy = 1, 6, 6
    legend.deltax = 55 * mm
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i]), str(r.label)) for i, r in enumerate(shown)
    ]
    legend.boxAnchor = "nw"
    legend.deltay = 0
    legend.dxTextSpace = 3
    drawing.add(legend)
    return drawing


def _bar_chart(table, font) -> Drawing:
    drawing = Drawing(180 * mm, 60 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 16 * mm, 160 * mm, 38 * mm
    chart.data = [[(row.values["certification_rate"] or 0) * 100 for row in table.rows]]
    chart.categoryAxis.categoryNames = [row.name[:8] for row in table.rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(table.rows) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(table.rows) > 6 else "n"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.bars[0].fillColor = colors.HexColor(PALETTE[0])
    drawing.add(chart)
    drawing.add(String(12 * mm, 57 * mm, str(RATES[0].label) + " (%)", fontName=font, fontSize=8))
    return drawing


def summary_pdf(*, params: ReportParams, total: dict, trend: list[dict], tables: list) -> bytes:
    font = cjk_font()
    style = styles(font)
    title, h2, small = style.title, style.heading, style.small
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5)
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=_("Training and certification summary"))
    story = [para(_("Training and certification summary"), title)]
    scope = " · ".join(f"{label}: {value}" for label, value in params.describe())
    story.append(para(scope, small))
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    story.append(para(_("Generated %(when)s") % {"when": generated}, small))
    story.append(Spacer(1, 4 * mm))
    rows = [[_("Figure"), _("Numerator"), _("Denominator"), _("Rate")]]
    for r in RATES:
        rows.append(
            [str(r.label), total[r.numerator], total[r.denominator], percent(total[r.code])]
        )
    story.append(_grid(rows, font, [70 * mm, 30 * mm, 30 * mm, 30 * mm]))
    story.append(Spacer(1, 3 * mm))
    counts = [
        [
            _("Due within 30 days"),
            _("Due within 90 days"),
            _("Reviews overdue"),
            _("三违 not yet retrained"),
            _("Dispatched workers in forbidden posts"),
            _("People"),
        ],
        [
            total["expiring_30"],
            total["expiring_90"],
            total["review_overdue"],
            total["violations_open"],
            total["dispatch_forbidden"],
            total["people"],
        ],
    ]
    story.append(_grid(counts, font))
    story.append(para(_("Trend (month ends)"), h2))
    story.append(_trend_chart(trend, font))
    for table in tables:
        story.append(para(GROUP_TITLES.get(table.by, table.by), h2))
        if table.by == "region" and table.rows:
            story.append(_bar_chart(table, font))
        data = [
            [pgettext("group", "Name"), _("Need a certificate"), _("Holding")]
            + [str(RATES_BY_CODE[c].label) for c in TABLE_RATES]
        ]
        for row in table.rows:
            data.append(
                [
                    para(row.name, cell),
                    row.values["required"],
                    row.values["holding"],
                ]
                + [percent(row.values[c]) for c in TABLE_RATES]
            )
        data.append(
            [_("Total"), table.total["required"], table.total["holding"]]
            + [percent(table.total[c]) for c in TABLE_RATES]
        )
        story.append(_grid(data, font, [46 * mm, 18 * mm, 16 * mm] + [25 * mm] * 4))
    story.append(Spacer(1, 4 * mm))
    story.append(para(WHO_COUNTS, small))
    for r in RATES:
        story.append(para(f"{r.label}: {r.definition}", small))
    doc.build(story)
    return buffer.getvalue()
