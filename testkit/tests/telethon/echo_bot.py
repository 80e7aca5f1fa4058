"""A Telethon bot driven by the testkit: proves the protocol is not tuned to grammers.

Usage: python3 echo_bot.py SESSION_STRING API_ID API_HASH BOT_TOKEN

Logs in as a bot with a testkit-issued StringSession, prints READY, answers the first
incoming message with "pong: <text>" (as a reply), prints REPLIED and exits 0. Exits 1 if
nothing arrives within 30 s.
"""

import asyncio
import logging
import os
import sys

from telethon import TelegramClient, events, types
from telethon.sessions import StringSession


async def main() -> int:
    # Telethon's own log on stderr, which the test shows when it fails.
    logging.basicConfig(level=logging.DEBUG if os.environ.get("TELETHON_DEBUG") else logging.WARNING)
    session, api_id, api_hash, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    client = TelegramClient(
        StringSession(session),
        api_id,
        api_hash,
        receive_updates=True,
        connection_retries=2,
        request_retries=2,
    )
    done = asyncio.get_running_loop().create_future()

    @client.on(events.NewMessage(incoming=True))
    async def on_message(event):
        # Telegram pushes a new user's first message to a bot as updateShortMessage, without
        # the user (LonamiWebs/Telethon#3230), and Telethon 1.45 then knows no input chat.
        # A bot may name a user who messaged it with access_hash 0, which get_input_entity
        # does through users.getUsers.
        chat = await event.get_input_chat()
        if chat is None:
            chat = await client.get_input_entity(types.PeerUser(event.chat_id))
        await client.send_message(chat, f"pong: {event.raw_text}", reply_to=event.id)
        if not done.done():
            done.set_result(event.raw_text)

    await client.start(bot_token=token)
    me = await client.get_me()
    print(f"READY {me.username} {me.id}", flush=True)
    try:
        text = await asyncio.wait_for(done, timeout=30)
    except asyncio.TimeoutError:
        print("TIMEOUT", flush=True)
        await client.disconnect()
        return 1
    print(f"REPLIED {text}", flush=True)
    await client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
