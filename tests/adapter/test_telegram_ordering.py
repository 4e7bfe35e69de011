"""PerChatOrder: two chats are handled at once, one chat's updates one after another."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.telegram_adapter.ordering import PerChatOrder


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, text="/due"))  # type: ignore[arg-type]


async def test_one_chat_in_order_two_chats_at_once() -> None:
    processor = PerChatOrder(8)
    log: list[str] = []
    release = asyncio.Event()

    async def handle(name: str, wait: bool) -> None:
        log.append(f"{name} start")
        if wait:
            await release.wait()
        log.append(f"{name} end")

    first = asyncio.create_task(processor.process_update(update(1, 10), handle("a1", True)))
    second = asyncio.create_task(processor.process_update(update(2, 10), handle("a2", False)))
    other = asyncio.create_task(processor.process_update(update(3, 20), handle("b1", False)))
    await other  # chat 20 is not held up by chat 10's slow update
    assert log == ["a1 start", "b1 start", "b1 end"]
    assert processor.chats_in_flight == 1
    release.set()
    await asyncio.gather(first, second)
    assert log[3:] == ["a1 end", "a2 start", "a2 end"]  # chat 10's second waited its turn
    assert processor.chats_in_flight == 0
