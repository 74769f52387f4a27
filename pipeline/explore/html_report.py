"""``zhnews report``: one self-contained HTML file to look at a run (no network, no CDN).

Run statistics, an SVG chart of entity counts by label and a histogram of article
lengths, the most mentioned entities (with how each name's mentions split over labels), and
a searchable list of articles (date and site beside each title) that opens one with its
entities highlighted and its summary; a click on a name lists the articles that name it. Scraped text is hostile: article data is
embedded as JSON inside a non-executable ``<script type="application/json">`` block (with
``<``, ``>``, ``&`` and line separators escaped) and put on the page only through
``textContent``; a Content-Security-Policy allows no remote loads and no script but the
page's own (by hash), so inline event handlers and ``javascript:`` links cannot run.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from html import escape
from pathlib import Path

from pipeline.batch.manifest import manifest_path
from pipeline.batch.runner import default_rejects_path
from pipeline.explore.entity_index import article_date, article_site, entity_index
from pipeline.explore.render import LABEL_COLOURS
from pipeline.io.jsonl import read_records
from pipeline.io.tables import write_text

MAX_ARTICLES = 5000  # articles embedded for browsing (all are counted in the statistics)
MAX_TEXT = 20000  # characters of each embedded article

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("zhnews-data").textContent);
  var list = document.getElementById("articles");
  var view = document.getElementById("article");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var filterBox = document.getElementById("filter");
  var entityFilter = null;
  function pick(norm) {
    entityFilter = norm;
    filterBox.replaceChildren();
    if (norm !== null) {
      filterBox.appendChild(document.createTextNode("articles naming " + norm + " "));
      var clear = el("button", null, "\u00d7 show all");
      clear.addEventListener("click", function () { pick(null); });
      filterBox.appendChild(clear);
    }
    render();
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function open(i) {
    var a = data[i];
    view.replaceChildren();
    view.appendChild(el("h2", null, a.title || "(no title)"));
    view.appendChild(el("p", "meta", [a.date, a.site, a.id, a.source].filter(function (x) { return x; }).join(" \u00b7 ") +
      (a.flags.length ? " \u00b7 " + a.flags.join(", ") : "")));
    var summary = el("p", "summary");
    summary.appendChild(el("b", null, "Summary: "));
    summary.appendChild(document.createTextNode(a.summary));
    view.appendChild(summary);
    var body = el("div", "body");
    var pos = 0;
    a.entities.forEach(function (e) {
      if (e[0] < pos) { return; }
      body.appendChild(document.createTextNode(a.text.slice(pos, e[0])));
      var mark = el("mark", "ent ent-" + e[2], a.text.slice(e[0], e[1]));
      mark.appendChild(el("sub", null, e[2]));
      mark.title = e[3] + " (click: every article that names it)";
      mark.addEventListener("click", function () { pick(e[3]); });
      body.appendChild(mark);
      pos = e[1];
    });
    body.appendChild(document.createTextNode(a.text.slice(pos)));
    view.appendChild(body);
  }
  function render() {
    var q = search.value.trim();
    list.replaceChildren();
    var n = 0;
    data.forEach(function (a, i) {
      if (q && a.title.indexOf(q) < 0 && a.text.indexOf(q) < 0) { return; }
      if (entityFilter !== null && a.norms.indexOf(entityFilter) < 0) { return; }
      var item = el("li", null, a.title || a.text.slice(0, 40));
      var where = [a.date, a.site].filter(function (x) { return x; }).join(" \u00b7 ");
      if (where) { item.appendChild(el("span", "meta", " " + where)); }
      item.dataset.index = String(i);
      item.addEventListener("click", function () { open(i); });
      list.appendChild(item);
      n += 1;
    });
    shown.textContent = String(n);
  }
  search.addEventListener("input", render);
  Array.prototype.forEach.call(document.querySelectorAll("tr.pick"), function (row) {
    row.addEventListener("click", function () { pick(row.dataset.norm); });
  });
  render();
  var match = /a=(\d+)/.exec(location.hash);
  if (match && data[Number(match[1])]) { open(Number(match[1])); }
  var named = /e=([^&]+)/.exec(location.hash);  // #e=NAME: the articles that name it, as a click does
  if (named) { pick(decodeURIComponent(named[1])); }
})();
"""

STYLE = """
body{font-family:sans-serif;margin:0;color:#222}header{background:#1f3a5f;color:#fff;padding:12px 20px}
main{display:grid;grid-template-columns:340px 1fr;gap:16px;padding:16px}section{margin-bottom:16px}
.stats td{padding:2px 10px 2px 0}#articles{list-style:none;padding:0;max-height:520px;overflow:auto;border:1px solid #ddd}
#articles li{padding:6px 8px;border-bottom:1px solid #eee;cursor:pointer}#articles li:hover{background:#eef4fb}
#search{width:100%;padding:6px;box-sizing:border-box}.meta{color:#666;font-size:.85em}.summary{background:#f6f6f6;padding:8px}
.body{line-height:1.8;white-space:pre-wrap}mark.ent{padding:0 2px;border-radius:3px}mark.ent sub{font-size:.6em;margin-left:1px}
table.top td,table.top th{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}
tr.pick{cursor:pointer}tr.pick:hover{background:#eef4fb}mark.ent{cursor:pointer}#filter button{margin-left:6px}
"""


def _json_for_html(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _bar_chart(counts: list[tuple[str, int]], width: int = 520) -> str:
    if not counts:
        return "<p>(none)</p>"
    top = max(c for _, c in counts)
    rows = []
    for i, (label, count) in enumerate(counts):
        w = max(1, round((width - 180) * count / top))
        colour = LABEL_COLOURS.get(label, "#cccccc")
        rows.append(
            f'<text x="0" y="{i * 22 + 15}" font-size="12">{escape(label)}</text>'
            f'<rect x="110" y="{i * 22 + 3}" width="{w}" height="16" fill="{colour}"></rect>'
            f'<text x="{115 + w}" y="{i * 22 + 15}" font-size="12">{count}</text>'
        )
    return f'<svg width="{width}" height="{len(counts) * 22 + 4}" role="img">{"".join(rows)}</svg>'


def _histogram(lengths: list[int], bins: int = 12, width: int = 520, height: int = 140) -> str:
    if not lengths:
        return "<p>(none)</p>"
    top = max(lengths)
    step = max(1, -(-top // bins))
    counts = Counter(min(n // step, bins - 1) for n in lengths)
    peak = max(counts.values())
    bar = (width - 20) / bins
    parts = []
    for b in range(bins):
        h = round((height - 30) * counts.get(b, 0) / peak)
        parts.append(f'<rect x="{10 + b * bar:.1f}" y="{height - 20 - h}" width="{bar - 2:.1f}" height="{h}" fill="#7fb3d5">'
                     f"<title>{b * step}-{(b + 1) * step} chars: {counts.get(b, 0)}</title></rect>")
    parts.append(f'<text x="10" y="{height - 4}" font-size="11">0</text>'
                 f'<text x="{width - 60}" y="{height - 4}" font-size="11">{top} chars</text>')
    return f'<svg width="{width}" height="{height}" role="img">{"".join(parts)}</svg>'


def build_report(path: str | Path) -> tuple[str, int]:
    """Complexity: reads the run, its manifest and rejects and renders the page's sections; the count comes from the
    comprehensions that build its tables."""
    path = Path(path)
    records = list(read_records(path))
    labels = Counter(e.label for a in records for e in a.entities)
    flags = Counter(f.split(":", 1)[0] for a in records for f in a.flags)
    rejects = default_rejects_path(path)
    n_rejects = sum(1 for line in rejects.read_text(encoding="utf-8").splitlines() if line.strip()) if rejects.exists() else 0
    manifest = manifest_path(path)
    run_line = ""
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        run = (data.get("runs") or [{}])[-1]
        run_line = (f"<tr><td>last run</td><td>{escape(str(run.get('started', '')))}, "
                    f"{escape(str(run.get('chars_per_second', '')))} chars/s, "
                    f"{escape(str(run.get('workers', '')))} worker(s)</td></tr>")
    top = entity_index(records)[:20]
    articles = [
        {
            "id": a.id,
            "title": a.title,
            "source": a.source,
            "text": a.text[:MAX_TEXT],
            "summary": a.summary.text,
            "flags": a.flags,
            "date": article_date(a) or "",
            "site": article_site(a) or "",
            "entities": [[e.start, e.end, e.label, e.norm] for e in a.entities if e.end <= MAX_TEXT],
            "norms": sorted({e.norm for e in a.entities}),
        }
        for a in records[:MAX_ARTICLES]
    ]
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    ent_styles = "".join(f"mark.ent-{label}{{background:{colour}}}" for label, colour in LABEL_COLOURS.items())
    top_rows = "".join(  # a click lists the articles that name it; labels: how its mentions split
        f"<tr class=\"pick\" data-norm=\"{escape(r['entity'])}\"><td>{escape(r['entity'])}</td>"
        f"<td>{escape(r['label'])}</td><td>{r['mentions']}</td><td>{r['articles']}</td>"
        f"<td>{escape(r['labels'] if ';' in r['labels'] else '')}</td></tr>" for r in top
    )
    html = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">
<title>zhnews report</title><style>{STYLE}{ent_styles}</style></head>
<body><header><h1>zhnews report: {escape(path.name)}</h1></header>
<main><div>
<section><table class="stats">
<tr><td>articles</td><td id="article-count">{len(records)}</td></tr>
<tr><td>rejected inputs</td><td>{n_rejects}</td></tr>
<tr><td>characters</td><td>{sum(len(a.text) for a in records):,}</td></tr>
<tr><td>entities</td><td>{sum(labels.values()):,}</td></tr>
<tr><td>flags</td><td>{escape(", ".join(f"{k} {v}" for k, v in flags.most_common()) or "-")}</td></tr>
{run_line}</table></section>
<section><input id="search" type="search" placeholder="search titles and text">
<p class="meta"><span id="shown">0</span> shown <span id="filter"></span></p><ul id="articles"></ul></section>
</div><div>
<section id="article"><p class="meta">Click an article to read it with its entities highlighted.</p></section>
<section><h3>Entities by label</h3>{_bar_chart(labels.most_common())}</section>
<section><h3>Article length</h3>{_histogram([len(a.text) for a in records])}</section>
<section><h3>Most mentioned</h3><table class="top"><tr><th>entity</th><th>label</th><th>mentions</th>
<th>articles</th><th>label split</th></tr>{top_rows}</table>
<p class="meta">Click a name (here or in an article) to list the articles that name it.</p></section>
</div></main>
<script type="application/json" id="zhnews-data">{_json_for_html(articles)}</script>
<script>{SCRIPT}</script>
</body></html>
"""
    return html, len(records)


def write_report(path: str | Path, target: str | Path) -> int:
    """Build the report of the run ``path`` and write it to ``target``; returns the number of articles."""
    html, count = build_report(path)
    write_text(html, target)
    return count
