"""The frame of the build's plain pages (the front page and the report pages): one style sheet,
one Content-Security-Policy, readable on a phone and on paper.

The policy allows nothing but the page's own style sheet, named by its hash
(:func:`workbench.render.csp.csp_source`): no script, no request, no inline style attribute.
"""

from __future__ import annotations

from html import escape

from workbench.render.csp import csp_source

#: The style sheet of the plain pages. Long words (file names, fingerprints, addresses) wrap
#: rather than widen the page at 390 px; wide tables scroll inside their own box.
STYLE = """
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:62rem;margin:0 auto;
padding:1rem 1rem 3rem;color:#1b1b1b;background:#fff;line-height:1.5}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 .75rem}
h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
h3{font-size:1.1rem;margin:1.5rem 0 .4rem}
a{color:#0b57a4}a:visited{color:#5b2a86}
a:focus-visible,[tabindex]:focus-visible{outline:3px solid #e69f00;outline-offset:2px}
p,li,td,th,dd,code{overflow-wrap:break-word}
code{font-size:.9em;background:#f3f3f3;padding:0 .2em;border-radius:3px}
.wrap{overflow-wrap:anywhere;word-break:break-all}
.muted{color:#4d4d4d}
nav.back{font-size:.95rem;margin:.25rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f3f3f3}
.align-right{text-align:right}.align-center{text-align:center}
.table-scroll{overflow-x:auto;max-width:100%;margin:.5rem 0 1rem}
.table-scroll table{width:auto;min-width:100%}
blockquote{margin:.5rem 0;padding:.1rem 1rem;border-left:4px solid #ccc;color:#333}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem;margin:0}
.facts dt{font-weight:600}.facts dd{margin:0;min-width:0}
.findings li{margin:.35rem 0}
.audience{margin:0;padding:0;list-style:none}
.audience>li{padding:.5rem 0;border-bottom:1px solid #e4e4e4}
.audience .file{display:block;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;
font-size:.85rem;color:#4d4d4d;overflow-wrap:anywhere}
.audience .what{display:block}
@media (max-width:30rem){body{padding:.75rem .75rem 2rem}h1{font-size:1.4rem}
ul,ol{padding-left:1.2rem}
.facts{grid-template-columns:minmax(0,1fr)}.facts dd{margin-bottom:.4rem}}
@media print{body{max-width:none;padding:0;font-size:10.5pt}a{color:#000}
nav.back{display:none}.table-scroll{overflow:visible}
.table-scroll table{width:100%;min-width:0;font-size:8.5pt}
.table-scroll th,.table-scroll td{padding:.15rem .3rem;overflow-wrap:anywhere;hyphens:auto}
h2,h3{break-after:avoid}li,tr,blockquote{break-inside:avoid}}
"""


def page_policy(style: str = STYLE) -> str:
    """Return the Content-Security-Policy of a plain page whose only style sheet is ``style``."""
    return (
        f"default-src 'none'; style-src {csp_source(style)}; img-src 'self'; "
        "base-uri 'none'; form-action 'none'"
    )


def render_page(title: str, body: str, *, style: str = STYLE) -> str:
    """Return a whole HTML page: ``title`` (plain text, escaped here) and ``body`` (HTML the
    caller has escaped), under :func:`page_policy`.

    It exists so that the front page and every report page share one frame and one policy.
    """
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{page_policy(style)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{style}</style></head>
<body>
{body}
</body></html>
"""
