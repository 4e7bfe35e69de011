"""Drafting end to end: /followup, /outreach, /templates, /profile and the draft buttons and forms.

Template wording is the template authors' business: these journeys assert structure (who the
draft greets, that the event and details appear, which buttons and embed fields there are).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.core.models import ExchangeKind
from tests.e2e.conftest import (
    ALICE,
    BOB,
    GUILD_ID,
    RunningBot,
    custom_ids,
    embed_of,
    is_ephemeral,
)
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.recording import InteractionHandle

pytestmark = pytest.mark.e2e

EVENT = "the cardiology interest group talk"
PROFILE = {
    "name": "Maya Chen",
    "school": "Riverside School of Medicine",
    "stage": "second-year medical student",
}
NOT_FOUND = "couldn't find"
# Values for the /outreach options and the missing-details form, by field.
FIELD_VALUES = {
    "event": "the research symposium",
    "topic": "sepsis screening in the emergency department",
    "deadline": "March 1",  # as a US student types it (/profile english: US)
    "program": "the Riverside family medicine residency",
    "update": "I finished my first clinical rotation",
    "ask": "whether you would have 15 minutes to talk",
    "discussed": "your work on rural heart-failure clinics",
    "finding": "the drop in readmissions when nurses called in the first week",
    "availability": "about 8 hours a week from January",
}
OUTREACH_OPTIONS = {
    "topic",
    "deadline",
    "program",
    "update",
    "ask",
    "discussed",
    "finding",
    "availability",
}


# -- helpers ----------------------------------------------------------------------------------


async def give_profile(bot: RunningBot, user_id: int = ALICE, **changes: Any) -> None:
    assert bot.app is not None
    await bot.app.services.drafts.save_profile(user_id, {**PROFILE, **changes})


async def slash(
    fake: FakeDiscord,
    name: str,
    user_id: int = ALICE,
    *,
    subcommand: str | None = None,
    **options: Any,
) -> InteractionHandle:
    return await fake.slash(
        name, user_id=user_id, guild_id=GUILD_ID, subcommand=subcommand, options=options
    )


async def followup(fake: FakeDiscord, user_id: int = ALICE, **options: Any) -> dict[str, Any]:
    return await (await slash(fake, "followup", user_id, **options)).response()


def draft_id_of(response_or_message: dict[str, Any]) -> int:
    [edit] = [c for c in custom_ids(response_or_message) if c.startswith("draft:edit:")]
    return int(edit.rsplit(":", 1)[1])


def field(embed: dict[str, Any], name: str) -> str | None:
    for item in embed.get("fields", []):
        if item["name"] == name:
            return item["value"]
    return None


def content(response_or_message: dict[str, Any]) -> str:
    data = response_or_message.get("data", response_or_message)
    return data.get("content") or ""


def assert_draft_reply(response: dict[str, Any], *, greets: str, typed: bool = False) -> int:
    """A private draft: the body as content, details in an embed, the draft's buttons."""
    assert response["type"] == 4, response
    assert is_ephemeral(response)
    data = response["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert greets in data["content"]
    if not typed:  # nothing the student typed carries these, so the template left them
        assert not re.search(r"\bNone\b|\{\{|\}\}|\{%|%\}", data["content"])
    embed = embed_of(response)
    assert embed["title"].endswith(f" to {greets}")
    draft_id = draft_id_of(response)
    ids = custom_ids(response)
    assert ids[0] == f"draft:sent:{draft_id}"
    assert set(ids) <= {
        f"draft:{a}:{draft_id}" for a in ("sent", "again", "edit", "channel", "tone")
    }
    assert {f"draft:edit:{draft_id}", f"draft:channel:{draft_id}"} <= set(ids)
    return draft_id


def assert_email(response: dict[str, Any]) -> None:
    embed = embed_of(response)
    assert embed["title"].startswith("E-mail to ")
    subject = field(embed, "Subject")
    assert subject and "None" not in subject


async def first_draft(bot: RunningBot, **options: Any) -> tuple[int, dict[str, Any]]:
    """Alice, with a profile, drafts a follow-up; the draft id and its message."""
    await give_profile(bot)
    fake = bot.fake
    response = await followup(
        fake,
        contact="Amara Okafor",
        event=EVENT,
        discussed="her heart-failure clinic",
        **options,
    )
    draft_id = assert_draft_reply(response, greets="Amara Okafor")
    return draft_id, fake.handles[-1].message


# -- /followup --------------------------------------------------------------------------------


async def test_followup_new_name_without_profile_asks_profile_then_drafts(bot: RunningBot) -> None:
    """A first /followup opens the profile form; submitting it answers with the draft."""
    fake = bot.fake
    response = await followup(
        fake, contact="Amara Okafor", event=EVENT, discussed="her heart-failure clinic"
    )
    assert response["type"] == 9
    custom_id = response["data"]["custom_id"]
    match = re.fullmatch(r"profile:form:(\d+)", custom_id)
    assert match and int(match[1]) > 0
    submit = await fake.submit_modal(
        custom_id,
        {"name": "Maya Chen", "school": "Riverside School of Medicine", "stage": "MS2"},
        user_id=ALICE,
    )
    draft = await submit.response()
    assert_draft_reply(draft, greets="Amara Okafor")
    assert_email(draft)
    body = content(draft)
    assert EVENT in body and "your heart-failure clinic" in body and "Maya Chen" in body
    assert bot.app is not None
    [contact] = await bot.app.services.contacts.suggest(ALICE, "amara")
    assert contact.draft.met_event == EVENT
    assert (await bot.app.services.drafts.profile(ALICE)).name == "Maya Chen"


async def test_followup_existing_contact_picked_by_autocomplete(bot: RunningBot) -> None:
    """A contact picked from the suggestions is greeted by title and surname."""
    fake = bot.fake
    await give_profile(bot)
    add = await fake.slash(
        "contact",
        subcommand="add",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={
            "name": "Amara Okafor",
            "title": "Dr.",
            "role": "attending",
            "where_met": "Grand rounds on sepsis",
            "email": "a.okafor@example.org",
        },
    )
    await add.response()
    complete = await fake.autocomplete(
        "followup",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": "amara"},
        focused="contact",
    )
    choices = (await complete.response())["data"]["choices"]
    assert choices and choices[0]["name"].startswith("Dr. Amara Okafor")
    response = await followup(fake, contact=choices[0]["value"])
    assert_draft_reply(response, greets="Dr. Okafor")
    assert_email(response)
    assert "Grand rounds on sepsis" in content(response)
    assert bot.app is not None
    talk = bot.app.services.drafts.catalogue.get("followup_talk")
    if talk is not None:  # chosen from where they met: grand rounds are a talk
        assert embed_of(response)["description"] == talk.title
    assert bot.app is not None
    assert len(await bot.app.services.contacts.suggest(ALICE, "")) == 1  # no new contact


async def test_followup_three_people_three_drafts(bot: RunningBot) -> None:
    """Three people get one private draft each: the reply and two follow-ups."""
    fake = bot.fake
    await give_profile(bot)
    names = ["Amara Okafor", "Jordan Lee", "Priya Shah"]
    handle = await slash(
        fake, "followup", contact=names[0], contact_2=names[1], contact_3=names[2], event=EVENT
    )
    first = await handle.response()
    followups = await handle.wait_followup(2)
    assert len(followups) == 2
    messages = [first["data"], *followups]
    ids = set()
    for message, name in zip(messages, names, strict=True):
        assert name in message["content"]
        for other in set(names) - {name}:
            assert other not in message["content"]
        assert (message.get("flags") or 0) & 64
        assert message["allowed_mentions"] == {"parse": []}
        ids.add(draft_id_of(message))
    assert len(ids) == 3


# -- draft buttons ----------------------------------------------------------------------------


async def test_mark_as_sent_button(bot: RunningBot) -> None:
    """Mark as sent updates the message with a Sent field, drops the button, logs an exchange."""
    draft_id, message = await first_draft(bot)
    fake = bot.fake
    click = await fake.click(message, f"draft:sent:{draft_id}", user_id=ALICE)
    response = await click.response()
    assert response["type"] == 7
    assert field(embed_of(response), "Sent")
    assert f"draft:sent:{draft_id}" not in custom_ids(response)
    assert f"draft:edit:{draft_id}" in custom_ids(response)
    assert bot.app is not None
    result = await bot.app.services.drafts.show(ALICE, draft_id)
    assert result.draft.sent_at == bot.clock.now()
    history = await bot.app.services.contacts.history(ALICE, result.contact.id)
    assert [x.kind for x in history] == [ExchangeKind.EMAILED]


async def test_another_version_button(bot: RunningBot) -> None:
    """Another version rewrites the draft when its template has more than one."""
    draft_id, message = await first_draft(bot)
    assert bot.app is not None
    result = await bot.app.services.drafts.show(ALICE, draft_id)
    versions = bot.app.services.drafts.catalogue.versions(result.template.id, "email")
    if versions == 1:
        assert f"draft:again:{draft_id}" not in custom_ids(message)
        return
    before = message["content"]
    click = await bot.fake.click(message, f"draft:again:{draft_id}", user_id=ALICE)
    response = await click.response()
    assert response["type"] == 7
    assert response["data"]["content"] != before
    assert "Amara Okafor" in response["data"]["content"]
    assert f"Version 2 of {versions}" in embed_of(response)["footer"]["text"]


async def test_tone_button_rewrites_the_draft_formally_then_briefly(bot: RunningBot) -> None:
    """Tone goes warm → formal → brief, rewriting the same draft and saying which it is."""
    draft_id, message = await first_draft(bot)
    assert "Warm tone" in message["embeds"][0]["footer"]["text"]
    warm = message["content"]  # the fake edits `message` in place: keep the warm text
    click = await bot.fake.click(message, f"draft:tone:{draft_id}", user_id=ALICE)
    formal = await click.response()
    assert formal["type"] == 7
    assert "Formal tone" in embed_of(formal)["footer"]["text"]
    assert formal["data"]["content"] != warm
    assert "I'm" in warm and "I'm" not in formal["data"]["content"]  # no contractions
    click = await bot.fake.click(message, f"draft:tone:{draft_id}", user_id=ALICE)
    brief = await click.response()
    assert "Brief tone" in embed_of(brief)["footer"]["text"]
    assert len(brief["data"]["content"]) < len(formal["data"]["content"])
    assert bot.app is not None
    assert (await bot.app.services.drafts.show(ALICE, draft_id)).draft.tone.value == "brief"


async def test_other_channel_button(bot: RunningBot) -> None:
    """Other channel turns the e-mail into a LinkedIn note, without a subject."""
    draft_id, message = await first_draft(bot)
    click = await bot.fake.click(message, f"draft:channel:{draft_id}", user_id=ALICE)
    response = await click.response()
    assert response["type"] == 7
    embed = embed_of(response)
    assert embed["title"] == "LinkedIn note to Amara Okafor"
    assert field(embed, "Subject") is None
    assert "Amara Okafor" in response["data"]["content"]


async def test_edit_details_button_opens_prefilled_form_and_updates(bot: RunningBot) -> None:
    """Edit details opens a form with the draft's details; submitting rewrites the message."""
    draft_id, message = await first_draft(bot)
    fake = bot.fake
    click = await fake.click(message, f"draft:edit:{draft_id}", user_id=ALICE)
    modal = await click.response()
    assert modal["type"] == 9
    assert modal["data"]["custom_id"] == f"draft:editform:{draft_id}"
    defaults = {
        label["component"]["custom_id"]: label["component"].get("value")
        for label in modal["data"]["components"]
    }
    assert defaults["event"] == EVENT
    assert defaults["discussed"] == "her heart-failure clinic"
    submit = await fake.submit_modal(
        f"draft:editform:{draft_id}",
        {"discussed": "her new remote-monitoring study"},
        user_id=ALICE,
    )
    response = await submit.response()
    assert response["type"] == 7
    assert "your new remote-monitoring study" in response["data"]["content"]
    assert "her heart-failure clinic" not in response["data"]["content"]
    assert fake.messages[int(message["id"])]["content"] == response["data"]["content"]


# -- /outreach --------------------------------------------------------------------------------


async def test_outreach_every_template(bot: RunningBot) -> None:
    """Every outreach template drafts for a new contact, asking for what it needs by form."""
    fake = bot.fake
    await give_profile(bot)
    assert bot.app is not None
    templates = bot.app.services.drafts.catalogue.templates("outreach")
    assert templates
    for number, info in enumerate(templates):
        name = f"Contact{number} Person"
        options = {f: FIELD_VALUES[f] for f in info.requires if f in OUTREACH_OPTIONS}
        response = await (
            await slash(fake, "outreach", kind=info.id, contact=name, **options)
        ).response()
        if response["type"] == 9:  # a required detail no option carries (the event)
            custom_id = response["data"]["custom_id"]
            assert re.fullmatch(r"draft:fields:\d+", custom_id)
            asked = [label["component"]["custom_id"] for label in response["data"]["components"]]
            assert set(asked) <= set(info.requires) - OUTREACH_OPTIONS
            submit = await fake.submit_modal(
                custom_id, {f: FIELD_VALUES[f] for f in asked}, user_id=ALICE
            )
            response = await submit.response()
        assert_draft_reply(response, greets=name)
        assert embed_of(response)["description"] == info.title.replace("*", "\\*"), info.id
        for required in info.requires:
            assert FIELD_VALUES[required] in response["data"]["content"] or required == "event"


async def test_outreach_missing_field_opens_form(bot: RunningBot) -> None:
    """An outreach that needs a detail not given opens a form; submitting it drafts."""
    fake = bot.fake
    await give_profile(bot)
    assert bot.app is not None
    catalogue = bot.app.services.drafts.catalogue
    info = catalogue.get("outreach_letter") or next(
        t for t in catalogue.templates("outreach") if t.requires
    )
    needed = info.requires[0]
    response = await (
        await slash(fake, "outreach", kind=info.id, contact="Amara Okafor")
    ).response()
    assert response["type"] == 9
    custom_id = response["data"]["custom_id"]
    assert re.fullmatch(r"draft:fields:\d+", custom_id)
    inputs = {
        label["component"]["custom_id"]: label["component"]
        for label in response["data"]["components"]
    }
    assert needed in inputs and inputs[needed].get("required", True)
    submit = await fake.submit_modal(custom_id, {needed: FIELD_VALUES[needed]}, user_id=ALICE)
    draft = await submit.response()
    assert_draft_reply(draft, greets="Amara Okafor")
    assert FIELD_VALUES[needed] in content(draft)


async def test_outreach_unknown_kind_refused(bot: RunningBot) -> None:
    """A kind that isn't a template is refused privately with a pointer to the list."""
    await give_profile(bot)
    response = await (
        await slash(bot.fake, "outreach", kind="outreach_nope", contact="Amara Okafor")
    ).response()
    assert is_ephemeral(response) and "/templates list" in content(response)


# -- /templates and /profile ------------------------------------------------------------------


async def test_templates_list(bot: RunningBot) -> None:
    """/templates list shows every template of both kinds, privately (more than one field
    holds: Discord cuts a field at 1,024 characters)."""
    response = await (await slash(bot.fake, "templates", subcommand="list")).response()
    assert is_ephemeral(response)
    embed = embed_of(response)
    assert field(embed, "Follow-ups (/followup)")
    assert field(embed, "Outreach (/outreach)")
    assert bot.app is not None
    shown = "\n".join(f["value"] for f in embed["fields"])
    for info in bot.app.services.drafts.catalogue.templates():
        assert f"**{info.title}** — " in shown, info.id


async def test_templates_preview(bot: RunningBot) -> None:
    """/templates preview writes a template out with a sample profile, then with the student's."""
    fake = bot.fake
    assert bot.app is not None
    info = bot.app.services.drafts.catalogue.templates()[0]
    response = await (
        await fake.slash(
            "templates",
            subcommand="preview",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"template": info.id, "channel": "linkedin"},
        )
    ).response()
    assert is_ephemeral(response)
    embed = embed_of(response)
    assert embed["title"].endswith("· LinkedIn note")
    assert "sample profile" in embed["footer"]["text"]
    assert "None" not in embed["description"]
    await give_profile(bot, name="Zed Quinlan")
    response = await (
        await fake.slash(
            "templates",
            subcommand="preview",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"template": info.id},
        )
    ).response()
    embed = embed_of(response)
    assert "Subject:" in embed["description"] and "Zed" in embed["description"]
    assert "your profile" in embed["footer"]["text"]


async def test_profile_without_options_opens_form_and_saves(bot: RunningBot) -> None:
    """/profile opens the form; submitting saves and shows the profile."""
    fake = bot.fake
    response = await (await slash(fake, "profile")).response()
    assert response["type"] == 9 and response["data"]["custom_id"] == "profile:form:0"
    submit = await fake.submit_modal(
        "profile:form:0",
        {"name": "Maya Chen", "school": "Riverside", "stage": "MS2", "pitch": "**cardio** fan"},
        user_id=ALICE,
    )
    saved = await submit.response()
    assert is_ephemeral(saved) and "Saved" in content(saved)
    embed = embed_of(saved)
    assert embed["title"] == "Your profile"
    assert field(embed, "Name") == "Maya Chen"
    assert field(embed, "Pitch") == "\\*\\*cardio\\*\\* fan"
    again = await (await slash(fake, "profile")).response()
    defaults = {
        label["component"]["custom_id"]: label["component"].get("value")
        for label in again["data"]["components"]
    }
    assert defaults["name"] == "Maya Chen" and defaults["school"] == "Riverside"


async def test_profile_with_options(bot: RunningBot) -> None:
    """/profile with options changes those parts of an existing profile; '-' clears one."""
    fake = bot.fake
    first = await (await slash(fake, "profile", signoff="Kind regards")).response()
    assert first["type"] == 9  # no profile yet: the form first
    await give_profile(bot)
    response = await (
        await slash(
            fake,
            "profile",
            signoff="Kind regards",
            contact_line="maya@example.org",
            follow_up_delay=14,
        )
    ).response()
    embed = embed_of(response)
    assert field(embed, "Sign-off") == "Kind regards"
    assert field(embed, "Contact line") == "maya@example.org"
    assert field(embed, "Nudge after").startswith("14 days")
    cleared = embed_of(await (await slash(fake, "profile", contact_line="-")).response())
    assert field(cleared, "Contact line") is None
    assert field(cleared, "Sign-off") == "Kind regards"
    assert bot.app is not None
    assert (await bot.app.services.drafts.profile(ALICE)).follow_up_delay_days == 14


# -- ownership and mentions -------------------------------------------------------------------


@pytest.mark.parametrize("action", ["sent", "again", "channel", "edit", "tone"])
async def test_another_student_cannot_use_draft_buttons(bot: RunningBot, action: str) -> None:
    """Bob clicking a button on Alice's draft is refused privately and changes nothing."""
    draft_id, message = await first_draft(bot)
    await give_profile(bot, BOB, name="Bob Brown")
    assert bot.app is not None
    before = await bot.app.services.drafts.show(ALICE, draft_id)
    click = await bot.fake.click(message, f"draft:{action}:{draft_id}", user_id=BOB)
    response = await click.response()
    assert response["type"] == 4 and is_ephemeral(response)
    assert NOT_FOUND in content(response)
    assert "Amara" not in str(response["data"])
    after = await bot.app.services.drafts.show(ALICE, draft_id)
    assert after.draft == before.draft
    assert await bot.app.services.contacts.history(ALICE, before.contact.id) == []
    assert bot.fake.messages[int(message["id"])]["content"] == message["content"]


async def test_another_student_cannot_submit_draft_edit_form(bot: RunningBot) -> None:
    """Bob submitting Alice's Edit details form is refused and her draft keeps its details."""
    draft_id, message = await first_draft(bot)
    fake = bot.fake
    await (await fake.click(message, f"draft:edit:{draft_id}", user_id=ALICE)).response()
    submit = await fake.submit_modal(
        f"draft:editform:{draft_id}", {"discussed": "hijacked by bob"}, user_id=BOB
    )
    response = await submit.response()
    assert response["type"] == 4 and is_ephemeral(response)
    assert NOT_FOUND in content(response)
    assert bot.app is not None
    result = await bot.app.services.drafts.show(ALICE, draft_id)
    assert result.draft.fields["discussed"] == "her heart-failure clinic"
    assert "hijacked" not in fake.messages[int(message["id"])]["content"]


async def test_another_student_cannot_resume_held_request(bot: RunningBot) -> None:
    """Bob submitting the profile form of Alice's held draft gets no draft of hers."""
    fake = bot.fake
    response = await followup(fake, contact="Amara Okafor", event=EVENT)
    custom_id = response["data"]["custom_id"]
    submit = await fake.submit_modal(
        custom_id, {"name": "Bob Brown", "school": "Elsewhere", "stage": "MS1"}, user_id=BOB
    )
    answer = await submit.response()
    assert is_ephemeral(answer)
    assert "Amara" not in str(answer["data"])
    assert "expired" in content(answer)


async def test_student_text_with_everyone_does_not_ping(bot: RunningBot) -> None:
    """A draft quoting '@everyone', markdown and template syntax shows it verbatim, no pings."""
    await give_profile(bot)
    fake = bot.fake
    typed = "@everyone **md** {{ 7*7 }} {% for x in y %} <@123>"
    response = await followup(fake, contact="Amara Okafor", event=EVENT, discussed=typed)
    assert_draft_reply(response, greets="Amara Okafor", typed=True)
    assert typed in response["data"]["content"]
    assert "49" not in response["data"]["content"]
    assert response["data"]["allowed_mentions"] == {"parse": []}
    assert not fake.mentions_allowed(response["data"])


async def test_profile_form_then_missing_details_through_a_button(bot: RunningBot) -> None:
    """No profile and a missing detail: profile form, then a button opening the details form."""
    fake = bot.fake
    assert bot.app is not None
    catalogue = bot.app.services.drafts.catalogue
    info = catalogue.get("outreach_letter") or next(
        t for t in catalogue.templates("outreach") if t.requires
    )
    needed = info.requires[0]
    response = await (
        await slash(fake, "outreach", kind=info.id, contact="Amara Okafor")
    ).response()
    assert response["type"] == 9 and response["data"]["custom_id"].startswith("profile:form:")
    submit = await fake.submit_modal(
        response["data"]["custom_id"],
        {"name": "Maya Chen", "school": "Riverside", "stage": "MS2"},
        user_id=ALICE,
    )
    ask = await submit.response()
    assert is_ephemeral(ask)
    [button] = custom_ids(ask)
    assert re.fullmatch(r"draft:ask:\d+", button)
    click = await fake.click(submit.message, button, user_id=ALICE)
    modal = await click.response()
    assert modal["type"] == 9
    custom_id = modal["data"]["custom_id"]
    assert custom_id == f"draft:fields:{button.rsplit(':', 1)[1]}"
    done = await (
        await fake.submit_modal(custom_id, {needed: FIELD_VALUES[needed]}, user_id=ALICE)
    ).response()
    assert_draft_reply(done, greets="Amara Okafor")
    assert FIELD_VALUES[needed] in content(done)
