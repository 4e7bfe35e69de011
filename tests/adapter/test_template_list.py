"""`/templates list` shows every template however many there are: fields within Discord's 1,024
characters, embeds within 6,000 characters and 25 fields (one message each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.templates import TemplateCatalogue, TemplateInfo
from bot.discord_adapter import presenters
from bot.settings import PROJECT_ROOT


def info(n: int, kind: str) -> TemplateInfo:
    return TemplateInfo(
        id=f"{kind}_{n}",
        kind=kind,
        title=f"Situation number {n}",
        situation="x",
        description="A description long enough to matter, " * 5 + f"ending {n}.",
        requires=(),
        uses=(),
        path=Path("x"),
    )


@pytest.mark.parametrize("count", [3, 40, 400])
def test_every_template_shows_within_discords_limits(count: int) -> None:
    templates = [info(n, "followup" if n % 3 == 0 else "outreach") for n in range(count)]
    embeds = presenters.template_list_embeds(templates)
    for embed in embeds:
        assert len(embed) <= presenters.EMBED_MAX
        assert len(embed.fields) <= presenters.EMBED_FIELDS_MAX
        assert all(len(f.value or "") <= presenters.FIELD_MAX for f in embed.fields)
    shown = "\n".join(f.value or "" for e in embeds for f in e.fields)
    for template in templates:
        assert f"**{template.title}** — " in shown
    assert (len(embeds) > 1) == (count > 3)  # 40 long lines are over 6,000 characters
    assert embeds[-1].footer.text and "/templates preview" in embeds[-1].footer.text


def test_the_shipped_templates_all_show() -> None:
    """The shipped outreach list alone is over 1,024 characters: it takes two fields."""
    catalogue = TemplateCatalogue.load(PROJECT_ROOT / "templates")
    [embed] = presenters.template_list_embeds(catalogue.templates())
    names = [f.name for f in embed.fields]
    assert "Outreach (/outreach)" in names and "Outreach (/outreach), continued" in names
    shown = "\n".join(f.value or "" for f in embed.fields)
    assert all(f"**{t.title}** — " in shown for t in catalogue.templates())
