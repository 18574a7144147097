"""Server-side SVG charts (no JavaScript, no internet). Every text is escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["bar_chart", "line_chart"]

W, H, PAD = 460, 200, 36


def _frame(title: str, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
        f'<text x="{PAD}" y="10" font-size="11" font-weight="bold">{escape(title)}</text>'
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - 8}" y2="{H - PAD}" stroke="#888"/>'
        f'<line x1="{PAD}" y1="12" x2="{PAD}" y2="{H - PAD}" stroke="#888"/>{body}</svg>')


def _y(value: float, top: float) -> float:
    return H - PAD - (value / top) * (H - PAD - 16) if top else H - PAD


def line_chart(points: list[tuple[str, float | None]], title: str, *, reference: float | None = None,
               reference_label: str = "team median") -> Markup:
    """A line over labelled points (None values are skipped); optional dashed reference line."""
    values = [v for _, v in points if v is not None] + ([reference] if reference is not None else [])
    top = max([*values, 1.0]) * 1.1
    step = (W - PAD - 40) / max(len(points) - 1, 1)
    coords = [(PAD + 10 + i * step, _y(v, top)) for i, (_, v) in enumerate(points) if v is not None]
    body = ""
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body += f'<polyline fill="none" stroke="#2a6ebb" stroke-width="2" points="{path}"/>'
    for (x, y), (_, v) in zip(coords, [p for p in points if p[1] is not None], strict=True):
        body += f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2a6ebb"><title>{escape(f"{v:.2f}")}</title></circle>'
    for i, (label, _) in enumerate(points):
        body += (f'<text x="{PAD + 10 + i * step:.1f}" y="{H - PAD + 14}" font-size="9" text-anchor="middle">'
                 f"{escape(label[5:] if len(label) == 10 else label)}</text>")
    if reference is not None:
        y = _y(reference, top)
        body += (f'<line x1="{PAD}" y1="{y:.1f}" x2="{W - 8}" y2="{y:.1f}" stroke="#d9822b" stroke-dasharray="4 3"/>'
                 f'<text x="{W - 10}" y="{y - 4:.1f}" font-size="9" text-anchor="end" fill="#d9822b">'
                 f"{escape(reference_label)} {reference:.2f}</text>")
    return _frame(title, body)


def bar_chart(bars: list[tuple[str, float]], title: str, *, colour: str = "#4c9a6a") -> Markup:
    """Vertical bars with labels."""
    top = max([v for _, v in bars] + [1.0]) * 1.1
    width = (W - PAD - 20) / max(len(bars), 1)
    body = ""
    for i, (label, value) in enumerate(bars):
        x = PAD + 6 + i * width
        y = _y(value, top)
        body += (f'<rect x="{x:.1f}" y="{y:.1f}" width="{width * 0.7:.1f}" height="{H - PAD - y:.1f}" fill="{colour}">'
                 f"<title>{escape(label)}: {escape(str(value))}</title></rect>"
                 f'<text x="{x + width * 0.35:.1f}" y="{y - 3:.1f}" font-size="9" text-anchor="middle">'
                 f"{escape(str(value))}</text>"
                 f'<text x="{x + width * 0.35:.1f}" y="{H - PAD + 14}" font-size="9" text-anchor="middle">'
                 f"{escape(label[5:] if len(label) == 10 and label[4] == '-' else label)}</text>")
    return _frame(title, body)
