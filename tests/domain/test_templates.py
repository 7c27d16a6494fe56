"""Freelancers' own reminder wording: placeholders are data, never code."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.templates import (
    MAX_TEMPLATE_LENGTH,
    PLACEHOLDERS,
    TemplateError,
    TemplateProblem,
    TemplateProblemReason,
    render_template,
    validate_template,
)

R = TemplateProblemReason
VALUES = {
    "client": "Acme SARL",
    "number": "F-2026-042",
    "amount": "1 250,00 €",
    "due_date": "10/06/2026",
    "issue_date": "11/05/2026",
    "days_overdue": "7",
    "payment_details": "IBAN FR76 3000 6000 0112 3456 7890 189",
    "freelancer": "Camille Martin",
}
EVIL_FIELDS = [
    "{client.__class__}",
    "{client.__class__.__mro__}",
    "{client[0]}",
    "{0}",
    "{}",
    "{client!r}",
    "{amount:>10}",
    "{ client }",
    "{client.upper}",
]


def test_placeholders_and_limit():
    assert set(PLACEHOLDERS) == set(VALUES)
    assert MAX_TEMPLATE_LENGTH == 1500


def test_freelancer_writes_a_reminder_in_french():
    text = "Bonjour {client},\nla facture {number} de {amount} était due le {due_date}.\n{freelancer}"
    assert validate_template(text) == []
    assert render_template(text, VALUES) == (
        "Bonjour Acme SARL,\nla facture F-2026-042 de 1 250,00 € était due le 10/06/2026.\nCamille Martin"
    )


def test_every_placeholder_renders():
    text = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    assert render_template(text, VALUES) == " ".join(VALUES[name] for name in PLACEHOLDERS)


def test_a_placeholder_may_be_used_twice():
    assert render_template("{number} / {number}", VALUES) == "F-2026-042 / F-2026-042"


def test_double_braces_are_literal_braces():
    assert validate_template("{{client}}") == []
    assert render_template("{{client}} is {client}", VALUES) == "{client} is Acme SARL"
    assert render_template("{{{client}}}", VALUES) == "{Acme SARL}"
    assert render_template("}} {{", VALUES) == "} {"


def test_values_are_not_re_expanded():
    values = dict(VALUES, client="{number}", amount="{{x}} {0.__class__}")
    assert render_template("{client} owes {amount}", values) == "{number} owes {{x}} {0.__class__}"


def test_render_does_no_escaping():
    values = dict(VALUES, client="<b>Tom & Jerry</b>")
    assert render_template("Hi {client} <3", values) == "Hi <b>Tom & Jerry</b> <3"


def test_missing_value_is_a_caller_bug():
    with pytest.raises(KeyError):
        render_template("{payment_details}", {"client": "x"})


def test_text_without_placeholders_needs_no_values():
    assert render_template("Merci !", {}) == "Merci !"


# --- problems -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_template(text):
    assert validate_template(text) == [TemplateProblem(R.EMPTY, "")]


def test_length_limit():
    assert validate_template("x" * MAX_TEMPLATE_LENGTH) == []
    assert validate_template("x" * (MAX_TEMPLATE_LENGTH + 1)) == [TemplateProblem(R.TOO_LONG, "1501")]


@pytest.mark.parametrize("name", ["nom", "Client", "montant", "client_name", "_", "__import__"])
def test_unknown_placeholder(name):
    assert validate_template(f"Bonjour {{{name}}}") == [TemplateProblem(R.UNKNOWN_PLACEHOLDER, f"{{{name}}}")]


@pytest.mark.parametrize("field", EVIL_FIELDS)
def test_bad_placeholder(field):
    assert validate_template(f"Hello {field}!") == [TemplateProblem(R.BAD_PLACEHOLDER, field)]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Hello {client", "{client"),
        ("Hello client}", "}"),
        ("{", "{"),
        ("{client{number}}", "{client{number}}"),
    ],
)
def test_unbalanced_brace(text, detail):
    assert TemplateProblem(R.UNBALANCED_BRACE, detail) in validate_template(text)


def test_nested_braces_report_each_stray_brace():
    assert validate_template("{client{number}}") == [
        TemplateProblem(R.UNBALANCED_BRACE, "{client{number}}"),
        TemplateProblem(R.UNBALANCED_BRACE, "}"),
    ]


def test_problems_are_listed_once_in_order():
    text = "{nom} {0} {nom} {client} }"
    assert validate_template(text) == [
        TemplateProblem(R.UNKNOWN_PLACEHOLDER, "{nom}"),
        TemplateProblem(R.BAD_PLACEHOLDER, "{0}"),
        TemplateProblem(R.UNBALANCED_BRACE, "}"),
    ]


def test_too_long_and_broken_are_both_reported():
    problems = validate_template("{nom}" + "x" * MAX_TEMPLATE_LENGTH)
    assert [problem.reason for problem in problems] == [R.TOO_LONG, R.UNKNOWN_PLACEHOLDER]


def test_render_refuses_an_invalid_template_with_its_problems():
    with pytest.raises(TemplateError) as caught:
        render_template("Hi {client.__class__} {nom}", VALUES)
    assert caught.value.problems == (
        TemplateProblem(R.BAD_PLACEHOLDER, "{client.__class__}"),
        TemplateProblem(R.UNKNOWN_PLACEHOLDER, "{nom}"),
    )


# --- properties ---------------------------------------------------------------------------------

template_alphabet = st.sampled_from(list("{}.[]!:0 _abc\n") + list(PLACEHOLDERS) + ["{client}", "{{", "}}"])
templates = st.lists(template_alphabet, max_size=40).map("".join) | st.text(max_size=200)


@given(templates)
def test_rendering_anything_returns_text_or_raises_template_error(text):
    try:
        rendered = render_template(text, VALUES)
    except TemplateError as error:
        assert error.problems
        assert error.problems == tuple(validate_template(text))
    else:
        assert isinstance(rendered, str)
        assert validate_template(text) == []


text_without_braces = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=100)


@given(text_without_braces, st.sampled_from(EVIL_FIELDS), text_without_braces)
def test_attribute_index_conversion_and_format_spec_are_always_refused(before, field, after):
    with pytest.raises(TemplateError):
        render_template(before + field + after, VALUES)


# A template built from known parts, and what it must render to (a tiny model of the syntax).
literal_text = st.text(alphabet=st.characters(blacklist_characters="{}"), min_size=1, max_size=20)
parts = st.one_of(
    literal_text.map(lambda text: (text, text)),
    st.sampled_from(PLACEHOLDERS).map(lambda name: (f"{{{name}}}", VALUES[name])),
    st.sampled_from([("{{", "{"), ("}}", "}")]),
)


@given(st.lists(parts, min_size=1, max_size=20), st.text(max_size=30))
def test_render_matches_the_model_even_with_braces_in_values(template_parts, hostile_value):
    text = "".join(source for source, _ in template_parts)
    if not text.strip() or len(text) > MAX_TEMPLATE_LENGTH:
        return
    values = dict(VALUES, client=hostile_value)
    expected = "".join(
        values["client"] if source == "{client}" else rendered for source, rendered in template_parts
    )
    assert render_template(text, values) == expected
