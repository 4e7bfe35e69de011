"""`/start` and `/help`: what the coach does here and its commands."""

from __future__ import annotations

from telegram import BotCommand, Chat

from bot.content.prompts import PromptLibrary
from bot.telegram_adapter.guards import Command

# The command menu (setMyCommands): Telegram shows these when a student types "/".
MENU = (
    BotCommand("add", "Save someone you met: name | role | where you met | notes"),
    BotCommand("contacts", "Your contacts: role: attending, tag: …, or search a name"),
    BotCommand("contact", "One contact's card and history: name"),
    BotCommand("edit", "Change a contact: name | field: value | field: value"),
    BotCommand("remove", "Delete a contact and their history (asks first): name"),
    BotCommand("remind", "A one-off reminder: when | name | note"),
    BotCommand("event", "Events you went to: log name | date | kind, list, show name"),
    BotCommand("followup", "Draft a follow-up: name | event | what you discussed | your ask"),
    BotCommand("log", "Record an exchange: name | emailed, met, replied… | when | note"),
    BotCommand("outreach", "Draft a first message: kind | name | field: value"),
    BotCommand("tip", "One networking tip, for now or a topic (/tip alone: for now)"),
    BotCommand("prep", "Get ready for a meeting: kind | who you're meeting"),
    BotCommand("pitch", "Build your 30-second elevator pitch: who | why | what you hope"),
    BotCommand("goals", "Your weekly goal: new contacts | follow-ups | check-ins"),
    BotCommand("due", "Who is due a follow-up, nudge or check-in, with buttons"),
    BotCommand("reminders", "Your weekly digest: on [day] [hour] [timezone], pause, off"),
    BotCommand("link", "Share one record with your Discord account (a one-time code)"),
    BotCommand("profile", "Your details for drafts: your name | school | year"),
    BotCommand("progress", "This week against your goal, with a chart"),
    BotCommand("season", "Your residency application: setup cycle | route | year; week"),
    BotCommand("letters", "Letters of recommendation: ask writer | deadline | programs; list"),
    BotCommand("interview", "Log an interview: program | interviewers | when — thank-you drafts"),
    BotCommand("templates", "Every situation I draft for; /templates preview id shows one"),
    BotCommand("export", "Everything you've stored, as files (send one back to import)"),
    BotCommand("privacy", "What is stored and who can see it; /privacy delete erases it all"),
    BotCommand("cancel", "Stop the questions I'm asking (nothing is saved)"),
    BotCommand("help", "What the coach does and how to use it"),
)


def help_command(prompts: PromptLibrary) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        await chat.send_message(prompts.render("telegram_help"))

    return run
