"""kurigram (Pyrogram's maintained fork) echo bot for oxygram-bench.

Usage: python3 kurigram_echo.py WORKDIR HOST PORT DC_ID AUTH_KEY_HEX USER_ID API_ID API_HASH

Pyrogram has no key exchange-free way in: its session must already hold an auth key. The
testkit issued one for the bot, so the first start writes a regular Pyrogram SQLite session
(`WORKDIR/bench.session`) holding that key, the bot's account and the testkit's address
(kurigram keeps the server address and port in the session, so its hard-coded DC addresses
never come into play). Later starts reuse the file as-is, like any restart. Prints READY once
started (connected, update state read, account known); stops on SIGTERM.
"""

import asyncio
import os
import signal
import sys
from pathlib import Path

from pyrogram import Client, filters
from pyrogram.storage import SQLiteStorage


async def write_session(workdir, host, port, dc_id, auth_key, user_id, api_id):
    storage = SQLiteStorage("bench", workdir=Path(workdir))
    await storage.open()
    await storage.dc_id(dc_id)
    await storage.api_id(api_id)
    await storage.test_mode(False)
    await storage.server_address(host)
    await storage.port(port)
    await storage.auth_key(auth_key)
    await storage.user_id(user_id)
    await storage.is_bot(True)
    await storage.date(0)
    await storage.save()
    await storage.close()


async def main() -> int:
    workdir, host, port, dc_id, key_hex, user_id, api_id, api_hash = sys.argv[1:9]
    if not os.path.exists(os.path.join(workdir, "bench.session")):
        await write_session(
            workdir, host, int(port), int(dc_id), bytes.fromhex(key_hex), int(user_id), int(api_id)
        )
    app = Client("bench", api_id=int(api_id), api_hash=api_hash, workdir=Path(workdir))

    @app.on_message(filters.private & filters.incoming)
    async def echo(client, message):
        await message.reply(message.text)

    await app.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"READY {app.me.username}", flush=True)
    await stop.wait()
    await app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
