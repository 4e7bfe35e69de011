"""`/start` and `/help`: what the coach does here and its commands."""

from __future__ import annotations

from telegram import BotCommand, Chat

from bot.content.prompts import PromptLibrary
from bot.telegram_adapter.guards import Command

# The command menu (setMyCommands): Telegram shows these when a student types "/".
MENU = (
    BotCommand("add", "Save someone you met: name | role | where you met | notes"),
    BotCommand("followup", "Draft a follow-up: name | event | what you discussed | your ask"),
    BotCommand("log", "Record an exchange: name | emailed, met, replied… | when | note"),
    BotCommand("outreach", "Draft a first message: kind | name | field: value"),
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
    BotCommand("help", "What the coach does and how to use it"),
)


def help_command(prompts: PromptLibrary) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        await chat.send_message(prompts.render("telegram_help"))

    return run
