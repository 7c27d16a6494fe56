"""Render HTML in headless Chromium and measure it: what a mail program's view would show.

Chromium (Debian's `chromium` package, installed by `make test`) loads one page holding each HTML
document in an iframe of the width under test (a headless window cannot be narrower than 500 px, an
iframe can), and the page's own script writes its measurements into the DOM that `--dump-dom` prints:
the viewport and scroll widths, every element or line of text that sticks out sideways, the text whose
colour does not stand out from its background (WCAG contrast), and the images that did not load.
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_MEASURE = r"""
function rgba(text) {
  const m = text.match(/rgba?\(([^)]+)\)/);
  if (!m) return [0, 0, 0, 0];
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function luminance(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
function background(win, el, dark) {
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(win.getComputedStyle(e).backgroundColor);
    if (c[3] > 0) return c;
  }
  return dark ? [18, 18, 18, 1] : [255, 255, 255, 1];
}
function visible(win, el) {
  for (let e = el; e; e = e.parentElement) {
    const s = win.getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
  }
  return el.getClientRects().length > 0;
}
function describe(el) {
  return el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
}
function measure(frame) {
  const win = frame.contentWindow, doc = frame.contentDocument, root = doc.documentElement;
  const width = root.clientWidth, dark = win.matchMedia('(prefers-color-scheme: dark)').matches;
  const out = {name: frame.dataset.name, viewport: width, scroll_width: root.scrollWidth, dark: dark,
               overflowing: [], low_contrast: [], broken_images: [], texts: 0};
  for (const el of doc.body.querySelectorAll('*')) {
    if (!visible(win, el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5))
      out.overflowing.push(describe(el) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    if (el.tagName === 'IMG' && !(el.complete && el.naturalWidth > 0)) out.broken_images.push(el.src.slice(0, 40));
  }
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !visible(win, el)) continue;
    out.texts++;
    const range = doc.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects())
      if (r.right > width + 0.5 || r.left < -0.5)
        out.overflowing.push('text "' + node.textContent.trim().slice(0, 30) + '" ' + Math.round(r.left) + '..' + Math.round(r.right));
    const fg = rgba(win.getComputedStyle(el).color), bg = background(win, el, dark);
    const l1 = luminance(fg), l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5)
      out.low_contrast.push(node.textContent.trim().slice(0, 30) + ': ' + ratio.toFixed(2));
  }
  return out;
}
window.addEventListener('load', () => {
  const results = Array.from(document.querySelectorAll('iframe')).map(measure);
  const pre = document.createElement('pre');
  pre.id = 'measurements';
  pre.textContent = JSON.stringify(results);
  document.body.appendChild(pre);
});
"""


@dataclass(frozen=True)
class Page:
    name: str
    html: str
    width: int
    images: dict[str, tuple[str, bytes]] | None = None
    """Content-ID → (MIME type, bytes): `cid:` references become data URLs, as a mail program shows them."""


def find_chromium() -> str | None:
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def inline_images(document: str, images: dict[str, tuple[str, bytes]]) -> str:
    for content_id, (mime_type, content) in images.items():
        data = f"data:{mime_type};base64,{base64.b64encode(content).decode()}"
        document = document.replace(f"cid:{content_id}", data)
    return document


def measure(chromium: str, pages: list[Page], workdir: Path, *, dark: bool = False) -> list[dict[str, Any]]:
    """Load every page at its width in one Chromium run (light or dark preference) and return its measures."""
    frames = "\n".join(
        f'<iframe data-name="{html.escape(page.name)}" width="{page.width}" height="6000" '
        f'style="display: block; border: 0; width: {page.width}px; height: 6000px;" '
        f'srcdoc="{html.escape(inline_images(page.html, page.images or {}), quote=True)}"></iframe>'
        for page in pages
    )
    host = workdir / f"pages-{'dark' if dark else 'light'}.html"
    host.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin: 0'>{frames}"
        f"<script>{_MEASURE}</script></body></html>",
        encoding="utf-8",
    )
    command = [
        chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--mute-audio",
        "--disable-extensions", "--disable-background-networking", f"--user-data-dir={workdir / 'profile'}",
        "--window-size=800,1000", "--virtual-time-budget=10000", "--dump-dom", host.as_uri(),
    ]  # fmt: skip
    if dark:
        command.insert(2, "--force-dark-mode")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    match = re.search(r'<pre id="measurements">(.*?)</pre>', done.stdout, re.DOTALL)
    assert match, f"Chromium printed no measurements (exit {done.returncode}): {done.stderr[-2000:]}"
    return list(json.loads(html.unescape(match.group(1))))
