"""Sphinx extension: the book's site made light, navigable and accessible on a phone.

Loaded from ``_config.yml`` (``sphinx: extra_extensions``). It changes the
theme's settings before the build, and tidies every HTML page after it:

- the ☰ and Contents buttons work below 992 px: pydata-sphinx-theme 0.17
  adds a second, hidden ``.primary-toggle`` when ``navbar_persistent`` is
  not set, and its click handler goes to that one (pydata-sphinx-theme
  issue 2451; the fix upstream projects use is ``navbar_persistent = []``);
- no 530 KB ``fontawesome.js``: the icons come from the theme's icon font,
  cut down to the few icons the pages use (``_static/fonts/``);
- no per-page search index (the search page still loads it, so search
  works offline), no Thebe, no widget manager from a CDN;
- a picture of each form (built from the widget state saved at build time,
  as plain disabled HTML) with an "open this lesson to use the form" note,
  instead of blank space;
- names for the menu's expand arrows, the search and colour-mode buttons,
  visible words on the phone header buttons, and a label for empty table
  header cells from pandas;
- the JupyterHub launch button only when a real hub address is set.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

PLACEHOLDER_HOSTS = re.compile(r"(^|\.)(example\.(org|com|net)|example|invalid|localhost|test)$")
FONT_DIR = "_static/fonts"
WIDGET_NOTE = (
    "This is a picture of the form. To fill it in, open this lesson in JupyterLab: "
    "use the Launch menu at the top of the page (Binder needs no account), or download "
    "the notebook and open it on your computer."
)


# Before the build -----------------------------------------------------------


def is_real_hub(url: str | None) -> bool:
    """True for a hub address someone could use; False for empty or placeholder ones."""
    if not url or not str(url).startswith("https://"):
        return False
    host = urlsplit(str(url)).hostname or ""
    return bool(host) and not PLACEHOLDER_HOSTS.search(host)


def _configure(app: Any, config: Any) -> None:
    options = config.html_theme_options
    # Only the article-header ☰ and Contents buttons: see the module docstring.
    options["navbar_persistent"] = []
    options["use_fullscreen_button"] = False
    launch = dict(options.get("launch_buttons") or {})
    if not is_real_hub(launch.get("jupyterhub_url")):
        launch.pop("jupyterhub_url", None)
    options["launch_buttons"] = launch
    # No widget manager from a CDN: forms are shown as pictures instead.
    config.nb_ipywidgets_js = {}


# After the build -------------------------------------------------------------

_DROP_SCRIPTS = re.compile(
    r"(scripts/fontawesome\.js|sphinx-thebe\.js|require\.min\.js|@jupyter-widgets/html-manager)"
)
_SEARCH_SCRIPTS = re.compile(r"(searchtools\.js|language_data\.js|searchindex\.js)")


def _model(state: dict[str, Any], ref: str) -> dict[str, Any]:
    return state.get(ref.removeprefix("IPY_MODEL_"), {})


def form_picture(state: dict[str, Any], model_id: str) -> str:
    """Draw a saved widget as plain, disabled HTML: the form as the learner will see it."""
    model = state.get(model_id)
    if not model:
        return ""
    name, s = model.get("model_name", ""), model.get("state", {})
    desc = html.escape(s.get("description") or "")
    placeholder = html.escape((s.get("placeholder") or "").replace("\u200b", ""))
    label = desc or placeholder or "Answer"
    if name in {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel", "AccordionModel", "TabModel"}:
        kind = "row" if name == "HBoxModel" else "column"
        inner = "".join(form_picture(state, c.removeprefix("IPY_MODEL_")) for c in s.get("children", []))
        return f'<div class="dwc-form-{kind}">{inner}</div>'
    if name in {"HTMLModel", "LabelModel", "HTMLMathModel"}:
        value = s.get("value") or ""
        return f'<div class="dwc-form-text">{value if name != "LabelModel" else html.escape(value)}</div>'
    if name in {"TextModel", "PasswordModel", "IntTextModel", "FloatTextModel", "BoundedIntTextModel"}:
        value = html.escape(str(s.get("value") or ""))
        return (
            f'<label class="dwc-form-field"><span>{desc}</span> <input type="text" disabled '
            f'value="{value}" placeholder="{placeholder}" aria-label="{label}"></label>'
        )
    if name == "TextareaModel":
        value = html.escape(str(s.get("value") or ""))
        return (
            f'<label class="dwc-form-field"><span>{desc}</span> <textarea disabled rows="3" '
            f'placeholder="{placeholder}" aria-label="{label}">{value}</textarea></label>'
        )
    if name in {"DropdownModel", "SelectModel", "SelectMultipleModel"}:
        options = "".join(f"<option>{html.escape(str(o))}</option>" for o in s.get("_options_labels", []))
        size = f' size="{min(int(s.get("rows") or 4), 4)}"' if name != "DropdownModel" else ""
        return (
            f'<label class="dwc-form-field"><span>{desc}</span> <select disabled{size} '
            f'aria-label="{desc or "A list to choose from"}">{options}</select></label>'
        )
    if name in {"RadioButtonsModel", "ToggleButtonsModel"}:
        group = f"dwc-{model_id[:8]}"
        options = "".join(
            f'<label><input type="radio" disabled name="{group}"> {html.escape(str(o))}</label>'
            for o in s.get("_options_labels", [])
        )
        legend = f"<legend>{desc}</legend>" if desc else '<legend class="visually-hidden">Choose one</legend>'
        return f'<fieldset class="dwc-form-choice">{legend}{options}</fieldset>'
    if name == "CheckboxModel":
        checked = " checked" if s.get("value") else ""
        return f'<label class="dwc-form-field"><input type="checkbox" disabled{checked}> {desc}</label>'
    if name in {"ButtonModel", "ToggleButtonModel"}:
        return f'<button type="button" class="dwc-form-button" disabled>{desc or "Button"}</button>'
    return ""


def _widget_pictures(soup: BeautifulSoup) -> None:
    state_tag = soup.find("script", attrs={"type": "application/vnd.jupyter.widget-state+json"})
    state = {}
    if state_tag is not None:
        try:
            state = json.loads(state_tag.string or "{}").get("state", {})
        except json.JSONDecodeError:
            state = {}
        state_tag.decompose()
    for view in soup.find_all("script", attrs={"type": "application/vnd.jupyter.widget-view+json"}):
        try:
            model_id = json.loads(view.string or "{}").get("model_id", "")
        except json.JSONDecodeError:
            model_id = ""
        picture = form_picture(state, model_id)
        block = BeautifulSoup(
            '<figure class="dwc-form-picture">'
            "<figcaption><strong>A form goes here.</strong> " + html.escape(WIDGET_NOTE) + "</figcaption>"
            '<div class="dwc-form-frame" inert>' + picture + "</div></figure>",
            "html.parser",
        )
        view.replace_with(block)


def _name_controls(soup: BeautifulSoup) -> None:
    # The expand arrows in the page menu: name each after its section.
    for summary in soup.select("li.has-children > details > summary"):
        if summary.get("aria-label"):
            continue
        link = summary.find_parent("li").find("a", recursive=False)
        title = " ".join(link.get_text(" ").split()) if link else "this section"
        summary["aria-label"] = f"Show the pages in {title}"
    # The search button's name must contain what it shows ("Search Ctrl+K").
    for button in soup.select("button.search-button-field[aria-label]"):
        del button["aria-label"]
    # The colour-mode icons carry titles that are not the button's name.
    for icon in soup.select(".theme-switch-button i.theme-switch"):
        icon.attrs.pop("title", None)
        icon["aria-hidden"] = "true"
    # Visible words on the phone header buttons, not only icons.
    words = {
        "button.primary-toggle": ("Menu", "Menu: every page of the course"),
        "button.secondary-toggle": ("Contents", "Contents of this page"),
        ".dropdown-launch-buttons > button": ("Launch", "Launch this lesson to run it"),
    }
    for selector, (word, title) in words.items():
        for button in soup.select(selector):
            if button.find(class_="dwc-btn-word"):
                continue
            button.attrs.pop("aria-label", None)
            button["title"] = title
            span = soup.new_tag("span", attrs={"class": "dwc-btn-word"})
            span.string = word
            button.append(span)
    # The references page: a list must hold list items (ARIA); docutils marks
    # each entry as a bibliography entry, which a list may not hold.
    for entries in soup.select('.citation-list[role="list"]'):
        for entry in entries.find_all(attrs={"role": "doc-biblioentry"}, recursive=False):
            entry["role"] = "listitem"
    # Empty header cells in pandas tables: say what the column holds.
    for th in soup.select("th"):
        if not th.get_text(strip=True):
            th.clear()
            span = soup.new_tag("span", attrs={"class": "visually-hidden"})
            span.string = "Row label"
            th.append(span)


def fix_page(text: str, is_search_page: bool = False) -> str:
    """Return a page's HTML with the fixes in the module docstring applied (idempotent)."""
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all("script", src=True):
        if _DROP_SCRIPTS.search(tag["src"]) or (not is_search_page and _SEARCH_SCRIPTS.search(tag["src"])):
            tag.decompose()
    for tag in soup.find_all("link", href=True):
        if "sphinx-thebe.css" in tag["href"] or "fontawesome.js" in tag["href"]:
            tag.decompose()
    for tag in soup.find_all("script"):
        body = tag.string or ""
        if "THEBE_JS_URL" in body or tag.get("type") == "text/x-thebe-config":
            tag.decompose()
    _widget_pictures(soup)
    _name_controls(soup)
    # Charts further down load when the reader scrolls to them, not before:
    # on mobile data a reader pays only for what they look at.
    for img in soup.select("article img"):
        img["loading"] = "lazy"
        img["decoding"] = "async"
    # A chart from a notebook scrolls sideways in its own box on a phone, at
    # a width where its labels can be read; a tap opens it full size.
    for img in soup.select("div.cell_output > img"):
        if img.parent.name == "a" or "_images/" not in img.get("src", ""):
            continue
        box = soup.new_tag("div", attrs={"class": "dwc-chart"})
        link = soup.new_tag("a", attrs={"href": img["src"], "title": "Open the chart full size"})
        img.wrap(link)
        link.wrap(box)
        hint = soup.new_tag("p", attrs={"class": "dwc-chart-hint"})
        hint.string = "Scroll the chart sideways, or tap it to open it full size."
        box.insert_after(hint)
    return str(soup)


def used_icon_codepoints(outdir: Path) -> dict[str, set[int]]:
    """Which icon-font characters the built pages can show, by font file."""
    css = (outdir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    # The theme writes an icon either as an escape ("\\f0c9") or as the
    # private-use character itself.
    char = r'"(\\[0-9a-f]{4}|[\ue000-\uf8ff])"'

    def code(text: str) -> int:
        return int(text[1:], 16) if text.startswith("\\") else ord(text)

    glyph = {}
    for selectors, value in re.findall(r"([^{}]+)\{content:" + char + r"\}", css):
        for name in re.findall(r"\.fa-([a-z0-9-]+):before", selectors):
            glyph[name] = code(value)
    solid, brands = set(), set()
    for name, value in re.findall(r"--pst-icon-([a-z-]+):" + char, css):
        (brands if name in {"github", "gitlab"} else solid).add(code(value))
    for page in outdir.rglob("*.html"):
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', page.read_text(encoding="utf-8")):
            names = classes.split()
            target = brands if {"fab", "fa-brands"} & set(names) else solid
            target.update(glyph[n[3:]] for n in names if n.startswith("fa-") and n[3:] in glyph)
    return {"fa-solid-900": solid, "fa-brands-400": brands}


def subset_icon_fonts(outdir: Path) -> dict[str, int]:
    """Cut the theme's icon fonts down to the characters the pages use."""
    from fontTools import subset

    webfonts = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    target = outdir / FONT_DIR
    target.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, codepoints in used_icon_codepoints(outdir).items():
        source = webfonts / f"{name}.ttf"
        if not source.exists() or not codepoints:
            continue
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        # Spaces too: an icon element holding a space would otherwise make
        # the browser fetch the whole font to draw it.
        subsetter.populate(unicodes=sorted(codepoints | {0x20, 0xA0}))
        subsetter.subset(font)
        out = target / f"{name}-subset.woff"
        subset.save_font(font, str(out), options)
        sizes[name] = out.stat().st_size
    return sizes


def fix_site(outdir: Path) -> None:
    """Apply every fix to a built HTML site in ``outdir``."""
    outdir = Path(outdir)
    for page in outdir.rglob("*.html"):
        rel = page.relative_to(outdir).as_posix()
        if rel.startswith(("_static/", "_sources/")):
            continue
        text = page.read_text(encoding="utf-8")
        page.write_text(fix_page(text, is_search_page=rel == "search.html"), encoding="utf-8")
    subset_icon_fonts(outdir)
    # Nothing links to these any more; leaving them out keeps the upload small.
    for name in (
        "scripts/fontawesome.js",
        "scripts/fontawesome.js.map",
        "sphinx-thebe.js",
        "sphinx-thebe.css",
    ):
        (outdir / "_static" / name).unlink(missing_ok=True)


def _finished(app: Any, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        fix_site(Path(app.outdir))


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _configure, priority=900)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    import sys

    fix_site(Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
