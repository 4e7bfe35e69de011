"""`coach templates check`: exit 0 on the shipped catalogue, non-zero naming each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.settings import PROJECT_ROOT

GOOD_HEADER = """{#
id = "outreach_sample"
kind = "outreach"
title = "Sample"
situation = "sample"
description = "A sample."
requires = ["event"]
#}
"""


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def templates_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "templates"
    monkeypatch.setenv("TEMPLATES_DIR", str(folder))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return folder


def test_shipped_catalogue_passes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The project's own templates pass the check."""
    monkeypatch.setenv("TEMPLATES_DIR", str(PROJECT_ROOT / "templates"))
    assert main(["templates", "check"]) == 0
    assert "all render within their limits" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no header at all", "no metadata header"),
        ("{# id = 'x\n#}", "not valid TOML"),
        (GOOD_HEADER + "{% block email %}{% if %}{% endblock %}", "template syntax"),
        (GOOD_HEADER + "{% block email %}Hi{% endblock %}", "missing the 'linkedin' block"),
        (
            GOOD_HEADER.replace('requires = ["event"]', 'requires = ["shoe_size"]'),
            "unknown fields",
        ),
        (
            GOOD_HEADER
            + "{% block email_subject %}Hi{% endblock %}{% block email %}Dear {{ them.greeting }}"
            "{% endblock %}{% block linkedin %}{{ discussed }}{% endblock %}"
            "{% block dm %}{{ them.nickname }}{% endblock %}",
            "words; write at least 50",
        ),
        (
            GOOD_HEADER
            + "{% block email_subject %}Hi{% endblock %}{% block email %}"
            + "word " * 60
            + "{% endblock %}{% block linkedin %}Hi {{ discussed }}{% endblock %}"
            "{% block dm %}Hi{% endblock %}",
            "placeholder or leftover 'None'",
        ),
        (
            GOOD_HEADER
            + "{% block email_subject %}Hi{% endblock %}{% block email %}"
            + "word " * 60
            + "{% endblock %}{% block linkedin %}Hi{% endblock %}"
            "{% block dm %}{{ them.nickname }}{% endblock %}",
            "does not render",
        ),
        (
            GOOD_HEADER
            + "{% block email_subject %}Hi{% endblock %}{% block email %}"
            + "word " * 60
            + "{% endblock %}{% block linkedin %}"
            + "x" * 310
            + "{% endblock %}{% block dm %}Hi{% endblock %}",
            "the limit is 300",
        ),
        (
            GOOD_HEADER + "{% block email_subject %}Thank you for {{ met_when }}{% endblock %}"
            "{% block email %}" + "word " * 60 + "{% endblock %}"
            "{% block linkedin %}Hi{% endblock %}{% block dm %}Hi{% endblock %}",
            "date.join: broken date phrase",  # the real date code says "on Tuesday"
        ),
        (
            GOOD_HEADER
            + "{% block email_subject %}Hi{% endblock %}{% block email %}"
            + "word " * 60
            + "{% endblock %}{% block linkedin %}Hi, could you tell me about {{ ask }}?"
            "{% endblock %}{% block dm %}Hi{% endblock %}",
            "ask.wrapped",
        ),
    ],
)
def test_problems_are_named_and_exit_non_zero(
    templates_dir: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    """Each kind of broken template makes the check fail and say what is wrong."""
    write(templates_dir, "sample.j2", text)
    assert main(["templates", "check"]) == 1
    out = capsys.readouterr().out
    assert problem in out and "sample.j2" in out


def test_adding_a_template_needs_no_code_change(templates_dir: Path) -> None:
    """A new, valid file in the folder joins the catalogue as it is."""
    body = (
        "Dear {{ them.greeting }},\n\n" + "Thank you for {{ event }}. " * 12 + "\n\n{{ me.name }}"
    )
    write(
        templates_dir,
        "sample.j2",
        GOOD_HEADER
        + "{% block email_subject %}Thanks{% endblock %}{% block email %}"
        + body
        + "{% endblock %}{% block linkedin %}Hi {{ them.greeting }}{% endblock %}"
        "{% block dm %}Hi {{ them.greeting }}{% endblock %}",
    )
    assert main(["templates", "check"]) == 0


def _words(count: int) -> str:
    """`count` distinct words of plain prose (the linter would flag "word word")."""
    words = " ".join(f"point{i}" for i in range(count - 1))
    return "Dear {{ them.greeting }},\n\nThanks " + words + "."


def brief_aware(brief_words: int) -> str:
    """A template whose brief e-mail has `brief_words` words and whose other tones have 60."""
    return (
        GOOD_HEADER
        + "{% block email_subject %}Thanks{% endblock %}{% block email %}"
        + '{% if tone == "brief" %}'
        + _words(brief_words - 3)
        + "{% else %}"
        + _words(57)
        + "{% endif %}{% endblock %}{% block linkedin %}Hi {{ them.greeting }}, thank you."
        "{% endblock %}{% block dm %}Hi {{ them.greeting }}, thank you.{% endblock %}"
    )


def test_brief_e_mails_have_a_lower_floor(
    templates_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A brief e-mail of two or three sentences passes at 25 words; below that it is named."""
    write(templates_dir, "sample.j2", brief_aware(30))
    assert main(["templates", "check"]) == 0
    write(templates_dir, "sample.j2", brief_aware(20))
    assert main(["templates", "check"]) == 1
    out = capsys.readouterr().out
    assert "email v1 brief" in out and "write at least 25" in out
    assert "email v1 warm" not in out
