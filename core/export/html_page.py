"""A thread as one self-contained HTML page: inline CSS, no script, no font or image to fetch.

Its Content-Security-Policy forbids every request, so even text that slipped through as markup
could not reach the network; and every text is escaped, so none does.
"""

from __future__ import annotations

from html import escape

from core.export.folding import is_long, output_summary
from core.export.model import Entry, ExportedThread, image_lines

_CSS = """
body{margin:0;background:#f6f7f9;color:#1d2330;font:15px/1.5 system-ui,sans-serif}
main{max-width:56rem;margin:0 auto;padding:1.5rem}
header{background:#1d2330;color:#f6f7f9;padding:1rem 1.5rem;border-radius:8px}
header h1{margin:0 0 .5rem;font-size:1.2rem}
header dl{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
header dt{opacity:.7}header dd{margin:0;overflow-wrap:anywhere}
article{margin:1rem 0;padding:.75rem 1rem;border-radius:8px;border-left:6px solid #9aa3b5}
article.user{background:#dbe9ff;border-color:#2f6fde}
article.assistant{background:#fff;border-color:#2a9d62}
article.reasoning{background:#f1ecfa;border-color:#8a63d2;font-style:italic}
article.tool_call{background:#fdf5e6;border-color:#d08a1e}
.meta{font-size:.8rem;color:#5a6375;margin-bottom:.3rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#1d2330;color:#e8ecf3;
padding:.6rem;border-radius:6px;font:13px/1.4 ui-monospace,monospace;margin:.4rem 0}
summary{cursor:pointer;color:#5a6375}
.image{font-style:italic;color:#2f6fde}
""".strip()

_TITLES = {"user": "User", "assistant": "Assistant", "reasoning": "Reasoning"}


def _header(thread: ExportedThread) -> str:
    rows = [("Started", thread.created_at), ("Folder", thread.cwd)]
    if thread.models:
        rows.append(("Model", ", ".join(thread.models)))
    if thread.model_provider:
        rows.append(("Provider", thread.model_provider))
    if thread.lineage:
        chain = " ← ".join(f"{a.thread_id} ({a.created_at})" for a in thread.lineage)
        rows.append(("Forked from", chain))
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f"<header><h1>Thread {escape(thread.thread_id)}</h1><dl>{cells}</dl></header>"


def _tool_output(entry: Entry) -> str:
    if entry.output is None:
        return '<p class="meta">No output: the thread stopped before the tool finished.</p>'
    summary = escape(output_summary(entry.output, entry.success))
    block = f"<pre>{escape(entry.output)}</pre>"
    if is_long(entry.output):
        return f"<details><summary>{summary}</summary>{block}</details>"
    return f'<div class="meta">{summary}</div>{block}'


def _entry(entry: Entry) -> str:
    if entry.kind == "tool_call":
        title = f"Tool call: {entry.tool_name}"
        body = (f"<pre>{escape(entry.text)}</pre>" if entry.text else "") + _tool_output(entry)
    else:
        title = _TITLES[entry.kind]
        body = f'<div class="text">{escape(entry.text)}</div>'
        body += "".join(f'<div class="image">{escape(line)}</div>' for line in image_lines(entry))
    meta = f'<div class="meta">{escape(title)} · {escape(entry.timestamp)}</div>'
    return f'<article class="{entry.kind}">{meta}{body}</article>'


def render_html(thread: ExportedThread) -> str:
    entries = "\n".join(_entry(entry) for entry in thread.entries)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>lha thread {escape(thread.thread_id)}</title><style>{_CSS}</style></head>\n"
        f"<body><main>{_header(thread)}\n{entries}\n</main></body></html>\n"
    )
