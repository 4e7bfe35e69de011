"""Errors whose `user_message` is safe to show a student verbatim.

Anything that is not a `CoachError` is a bug: it is logged with ids only and the student sees a
short apology instead (see `bot.discord_adapter.errors`).
"""

from __future__ import annotations


class CoachError(Exception):
    """A failure the student can act on; `user_message` is shown to them as it is."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class InvalidInput(CoachError):
    """Something the student typed breaks a rule; nothing was saved."""


class ContactNotFound(CoachError):
    """No such contact for this student (including: it belongs to someone else)."""

    def __init__(self) -> None:
        super().__init__(
            "I couldn't find that contact in your list. It may have been removed; "
            "`/contact list` shows the ones you have."
        )


class ExpiredAction(CoachError):
    """A button or form refers to something that no longer exists or has timed out."""

    def __init__(self) -> None:
        super().__init__(
            "That button has expired, and nothing was changed. Run the command again to continue."
        )


class RecipientUnreachable(Exception):
    """The platform refused to deliver to the student (Discord: DMs closed, code 50007; a
    platform where the student blocked the bot)."""


class DeliveryFailed(Exception):
    """A send failed in a way worth retrying later (Discord 5xx, rate limits, network)."""


class PaperLookupFailed(Exception):
    """Crossref or PubMed could not be asked, or did not answer in time (no network, a timeout,
    a 5xx): the draft is written from what the student typed."""


class DeliveryNotSent(DeliveryFailed):
    """A send the platform certainly never took (the connection was refused, it answered 429
    every time, it refused the request): retrying it later cannot show the message twice."""


class DeliveryUncertain(DeliveryFailed):
    """A send whose outcome is unknown (the request left, no answer came back) on a platform
    that cannot recognise a resend: resending could show the message twice, so the claim is
    closed as uncertain and the next digest says so."""


class UnreadableFile(CoachError):
    """An uploaded file could not be read as contacts; the message names the line. Nothing
    was imported."""
