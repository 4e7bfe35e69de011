"""What the template rule tests share: every render of a kind of template, and the measures
the contract's rules are checked with (docs/drafts.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.content.samples import SAMPLES
from bot.content.templates import CHANNELS, TONES, RenderedDraft, TemplateCatalogue

CONTRACTION = re.compile(
    r"\b\w+n't\b|\b(?:I|you|we|they|it|that|there|here|what|let)'(?:m|re|s|ll|ve|d)\b", re.I
)
TITLE_STOP = re.compile(r"\b(Dr|Prof|St|Mr|Ms|Mrs)\.")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def all_renders(
    catalogue: TemplateCatalogue, kind: str, channels: tuple[str, ...] = CHANNELS
) -> Iterator[tuple[str, str, dict[str, Any], RenderedDraft]]:
    """Every template of `kind` × channel × version × tone × sample."""
    for info in catalogue.templates(kind):
        for channel in channels:
            for version in range(1, catalogue.versions(info.id, channel) + 1):
                for tone in TONES:
                    for name, sample in SAMPLES.items():
                        context = {**sample, "tone": tone}
                        if any(not context.get(f) for f in info.requires):
                            continue
                        label = f"{info.id} {channel} v{version} {tone} ({name})"
                        draft = catalogue.render(info.id, channel, context, version)
                        yield label, tone, context, draft


def message_text(draft: RenderedDraft, me: dict[str, Any]) -> str:
    """The body without an e-mail's greeting line and sign-off block."""
    if draft.channel != "email":
        return draft.body
    lines = draft.body.split("\n")
    end = next(i for i, line in enumerate(lines) if line == f"{me['signoff']},")
    return " ".join(line for line in lines[1:end] if line)


def sentences(text: str) -> int:
    return len(SENTENCE_END.findall(TITLE_STOP.sub(r"\1", text)))
