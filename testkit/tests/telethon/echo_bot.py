"""A Telethon bot driven by the testkit: proves the protocol is not tuned to grammers.

Usage: python3 echo_bot.py SESSION_STRING API_ID API_HASH BOT_TOKEN

Logs in as a bot with a testkit-issued StringSession, prints READY, answers the first
incoming message with "pong: <text>" (as a reply), prints REPLIED and exits 0. Exits 1 if
nothing arrives within 30 s.
"""

import asyncio
import sys

from telethon import TelegramClient, events
from telethon.sessions import StringSession


async def main() -> int:
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
        await event.reply(f"pong: {event.raw_text}")
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
