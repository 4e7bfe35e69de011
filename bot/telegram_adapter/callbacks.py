"""Inline buttons' callback data: `<feature>:<action>:<id>[:<arg>]`, like Discord's custom ids.

Telegram carries at most 64 bytes of callback data; `data()` refuses longer at build time, so a
button that Telegram would reject never reaches it. The ids are never trusted: every click is
re-read for the clicking student.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton

CALLBACK_DATA_MAX = 64  # bytes (Telegram Bot API, InlineKeyboardButton.callback_data)

DUE = re.compile(r"^due:(?P<action>draft|done|snooze):(?P<kind>[a-z_]{1,12}):(?P<id>\d{1,19})$")
# A draft's buttons; warm, formal and brief are the tone to write it in (bot.core.models.Tone).
DRAFT = re.compile(
    r"^draft:(?P<action>sent|again|channel|email|linkedin|dm|warm|formal|brief|edit)"
    r":(?P<id>\d{1,19})$"
)
# Saves a composed elevator pitch (held by the core for a day) to the clicker's profile.
PITCH = re.compile(r"^pitch:(?P<action>save):(?P<id>\d{1,19})$")
IMPORT = re.compile(r"^import:(?P<action>confirm|cancel):(?P<id>\d{1,19})$")
PRIVACY = re.compile(r"^privacy:(?P<action>delete|keep):0$")
# The residency season: a letter reminder's buttons (the task is part of the data, so a button
# left on an old message cannot act on the reminder the letter owes now), the writers offered
# for an ask, the ledger's stage and remove buttons, and an interview's thank-yous.
LETTER_ITEM = re.compile(
    r"^letter:(?P<action>draft|done|snooze)"
    r":(?P<task>letter_ask|letter_check|letter_thanks|match_outcome):(?P<id>\d{1,19})$"
)
LETTER_WRITER = re.compile(r"^letter:writer:(?P<id>\d{1,19})$")
LETTERS = re.compile(
    r"^letters:(?P<action>agreed|submitted|thanked|told|declined|remove|keep):(?P<id>\d{1,19})$"
)
INTERVIEW = re.compile(
    r"^interview:thanks:(?P<id>\d{1,19}):(?P<channel>any|email|linkedin|dm)"
    r":(?P<tone>warm|formal|brief)$"
)
REMINDERS = re.compile(r"^reminders:(?P<action>off):0$")
DUPE = re.compile(r"^dupe:(?P<pending>\d{1,19}):(?P<target>\d{1,19}|new)$")
STEP = re.compile(r"^step:(?P<action>skip|cancel|pick):(?P<id>\d{1,19})(?::(?P<choice>\d{1,2}))?$")
# /contacts' More: filter 0 is everyone, others a kept filter (ContactService.remember_filter).
CONTACTS = re.compile(r"^contacts:more:(?P<filter>\d{1,19}):(?P<page>\d{1,5})$")
CONTACT = re.compile(r"^contact:(?P<action>remove|keep):(?P<id>\d{1,19})$")
CARD = re.compile(r"^card:(?P<action>log|edit|draft):(?P<id>\d{1,19})$")
EVENT = re.compile(r"^event:(?P<action>people|drafts|show):(?P<id>\d{1,19})$")


def data(*parts: object) -> str:
    text = ":".join(str(part) for part in parts)
    if len(text.encode()) > CALLBACK_DATA_MAX:
        raise ValueError(f"callback data over {CALLBACK_DATA_MAX} bytes: {text[:20]}…")
    return text


def button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data(*parts))
