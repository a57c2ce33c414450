"""Policy text: what the sanitiser lets through, the hash, and the readable diff."""

import hashlib

from policy.text import content_hash, readable_diff, render_markdown


def test_markdown_is_rendered_with_govuk_classes_and_sanitised():
    html = render_markdown(
        "# Conditions\n\nRead <script>alert('x')</script>this. [Intranet](https://intranet.example/)"
        " [bad](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n- one\n- two"
    )
    assert "<script" not in html and "alert('x')" not in html
    assert "javascript:" not in html and "<img" not in html and "onerror" not in html
    assert '<h2 class="govuk-heading-m">Conditions</h2>' in html  # the page title is the only h1
    assert '<a href="https://intranet.example/" class="govuk-link" rel="noopener noreferrer">Intranet</a>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


def test_author_classes_and_styles_are_stripped():
    html = render_markdown('<p class="evil" style="display:none">Hidden clause</p>')
    assert html == '<p class="govuk-body">Hidden clause</p>'


def test_the_hash_is_sha256_of_the_rendered_html_and_stable():
    html = render_markdown("Be careful with **data**.")
    assert content_hash(html) == hashlib.sha256(html.encode()).hexdigest()
    assert render_markdown("Be careful with **data**.") == html


def test_the_diff_shows_changed_added_and_removed_paragraphs_only():
    old = "Same first paragraph.\n\nReport within 24 hours.\n\nA paragraph that goes."
    new = "Same first paragraph.\n\nReport within 12 hours.\n\nA paragraph that goes.\n\nA new paragraph."
    diff = readable_diff(old, new)
    assert [block.kind for block in diff] == ["changed", "added"]
    assert '<del><span class="govuk-visually-hidden">Removed: </span>24</del>' in diff[0].html
    assert '<ins><span class="govuk-visually-hidden">Added: </span>12</ins>' in diff[0].html
    assert "Same first paragraph" not in "".join(block.html for block in diff)
    removed = readable_diff(new, "Same first paragraph.")
    assert {block.kind for block in removed} == {"removed"}


def test_the_diff_escapes_the_text():
    [block] = readable_diff("Use <b>care</b> now.", "Use <b>care</b> <script>x</script>.")
    assert "<b>" not in block.html and "<script>" not in block.html
    assert "&lt;b&gt;care&lt;/b&gt;" in block.html and "&lt;script&gt;" in block.html
