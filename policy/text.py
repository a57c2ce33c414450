"""Policy text: Markdown rendered to sanitised GOV.UK HTML, its SHA-256, and a readable diff.

The hash is taken over the rendered, sanitised HTML because that is exactly what a person reads;
two Markdown sources that render the same are the same text.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# What policy text may contain once rendered: prose, lists, headings, simple tables and links.
ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "ul", "ol", "li", "strong", "em", "a", "blockquote", "abbr",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "abbr": {"title"}, "th": {"scope"}}
# GOV.UK Frontend styles elements by class, so the sanitiser adds the classes (and strips any other).
GOVUK_CLASSES = {
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "blockquote": {"class": "govuk-inset-text"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
    "table": {"class": "govuk-table"},
    "thead": {"class": "govuk-table__head"},
    "tbody": {"class": "govuk-table__body"},
    "tr": {"class": "govuk-table__row"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
}


class _DemoteHeadings(Treeprocessor):
    """The page's title is the only level-1 heading, so the text's headings start at level 2."""

    def run(self, root):
        headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", el.tag)]
        if any(el.tag == "h1" for el in headings):
            for el in headings:
                el.tag = f"h{min(int(el.tag[1]) + 1, 6)}"


class _PolicyMarkdown(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_DemoteHeadings(md), "kitbag_demote_headings", 5)


def render_markdown(source: str) -> str:
    """Markdown -> sanitised HTML with GOV.UK classes. Deterministic: same source, same HTML."""
    html = markdown.markdown(source or "", extensions=["extra", "sane_lists", _PolicyMarkdown()])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        set_tag_attribute_values=GOVUK_CLASSES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def content_hash(html: str) -> str:
    """SHA-256 (hex) of the rendered text, as recorded on the version and on each acceptance."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DiffBlock:
    """One paragraph-sized change: `kind` is "added", "removed" or "changed"; `html` marks words."""

    kind: str
    html: SafeString


def _blocks(source: str) -> list[str]:
    """Paragraph-sized pieces of Markdown: split at blank lines, whitespace normalised, heading
    marks dropped (a reader sees "Reporting", not "## Reporting")."""
    blocks = re.split(r"\n\s*\n", (source or "").strip())
    return [re.sub(r"^#{1,6}\s+", "", " ".join(block.split())) for block in blocks if block.strip()]


def _ins(text: str) -> str:
    return format_html('<ins><span class="govuk-visually-hidden">Added: </span>{}</ins>', text)


def _del(text: str) -> str:
    return format_html('<del><span class="govuk-visually-hidden">Removed: </span>{}</del>', text)


def _word_diff(old: str, new: str) -> SafeString:
    """Mark changed words: words and punctuation are compared separately, so "you," to
    "you at all times," marks only "at all times" as added."""
    tokenise = re.compile(r"\w+|[^\w\s]|\s+").findall
    old_tokens, new_tokens = tokenise(old), tokenise(new)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])
        if op == "equal":
            parts.append(escape(removed))
            continue
        # Keep the spaces round a change outside the mark, so it reads as whole words.
        if removed.strip():
            lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", removed, re.DOTALL).groups()
            parts.append(escape(lead) + _del(core) + (" " if added.strip() else escape(trail)))
        if added.strip():
            lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", added, re.DOTALL).groups()
            parts.append(("" if removed.strip() else escape(lead)) + _ins(core) + escape(trail))
        elif added:
            parts.append(escape(added))
    return mark_safe("".join(parts))  # noqa: S308 # nosec B308 B703 # every part above is escaped


def readable_diff(old_source: str, new_source: str) -> list[DiffBlock]:
    """What changed between two versions' Markdown, paragraph by paragraph, with changed words
    marked. Unchanged paragraphs are left out; a reworded paragraph shows its words in place."""
    old_blocks, new_blocks = _blocks(old_source), _blocks(new_source)
    changes: list[DiffBlock] = []
    matcher = difflib.SequenceMatcher(a=old_blocks, b=new_blocks, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        removed, added = old_blocks[a1:a2], new_blocks[b1:b2]
        if op == "replace":
            # Pair reworded paragraphs with their successors; any left over were added or removed.
            for old, new in zip(removed, added, strict=False):
                changes.append(DiffBlock("changed", _word_diff(old, new)))
            removed, added = removed[len(added) :], added[len(removed) :]
        changes.extend(DiffBlock("removed", mark_safe(_del(block))) for block in removed)  # noqa: S308 # nosec B308 B703 # format_html
        changes.extend(DiffBlock("added", mark_safe(_ins(block))) for block in added)  # noqa: S308 # nosec B308 B703 # format_html
    return changes
