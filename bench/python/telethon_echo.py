"""Telethon 1.45 echo bot for oxygram-bench: replies to every incoming message with its text.

Usage: python3 telethon_echo.py SESSION_STRING API_ID API_HASH

The session is a StringSession the testkit issued, already logged in as the bot, so no login
runs. Prints READY once connected and receiving updates; stops on SIGTERM.
"""

import asyncio
import signal
import sys

from telethon import TelegramClient, events, types
from telethon.sessions import StringSession


async def main() -> int:
    session, api_id, api_hash = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    client = TelegramClient(StringSession(session), api_id, api_hash, receive_updates=True)

    @client.on(events.NewMessage(incoming=True))
    async def echo(event):
        # Telegram pushes a new user's first message short, without the user
        # (LonamiWebs/Telethon#3230), and Telethon 1.45 then has no input chat: a bot may
        # name a user who wrote to it with access_hash 0 (get_input_entity does that).
        # `input_chat` reads Telethon's caches only; get_input_chat() would first list the
        # dialogs, which a bot may not (BOT_METHOD_INVALID), on every such message.
        chat = event.input_chat
        if chat is None:
            chat = await client.get_input_entity(types.PeerUser(event.chat_id))
        await client.send_message(chat, event.raw_text, reply_to=event.id)

    await client.connect()
    me = await client.get_me()
    if me is None:
        print("the session is not logged in", file=sys.stderr, flush=True)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"READY {me.username}", flush=True)
    await stop.wait()
    await client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
