"""A WebSocket client, for devserve's WebSocket proxy tests (Python's websockets, 13 or later).

    python3 client.py URL [--origin ORIGIN] STEP...

Opens a WebSocket to URL (sending Origin: ORIGIN if given; no proxy from the environment), then
takes the steps in order:

    text:WORDS      send WORDS as a text message
    binary:HEX      send the bytes HEX as a binary message
    recv            wait for a message and print it: "text WORDS" or "binary HEX"
    sleep:SECONDS   wait
    close:CODE      close with CODE, reason "done"
    wait-close      wait until the other side closes

and prints "closed CODE REASON" once the connection has ended, whether by a step, by the other
side or after the last step (a close with 1000): the close code and reason it got back, 1006 and
none when the connection ended without a close. A refused handshake prints "rejected STATUS
BODY" instead. Exits with 0 in every case the steps describe.
"""

import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus


def say(line):
    print(line, flush=True)


async def run(url, origin, steps):
    try:
        websocket = await connect(url, origin=origin, proxy=None, open_timeout=60, ping_interval=None)
    except InvalidStatus as error:
        body = error.response.body.decode("utf-8", "replace").strip()
        say(f"rejected {error.response.status_code} {body}")
        return
    try:
        for step in steps:
            kind, _, value = step.partition(":")
            if kind == "text":
                await websocket.send(value)
            elif kind == "binary":
                await websocket.send(bytes.fromhex(value))
            elif kind == "recv":
                message = await websocket.recv()
                say(f"text {message}" if isinstance(message, str) else f"binary {message.hex()}")
            elif kind == "sleep":
                await asyncio.sleep(float(value))
            elif kind == "close":
                await websocket.close(int(value), "done")
            elif kind == "wait-close":
                await websocket.wait_closed()
            else:
                raise SystemExit(f"unknown step {step}")
        await websocket.close()
    except ConnectionClosed:
        pass
    await websocket.wait_closed()
    say(f"closed {websocket.close_code} {websocket.close_reason}".rstrip())


def main():
    arguments = sys.argv[1:]
    url = arguments.pop(0)
    origin = None
    if arguments[:1] == ["--origin"]:
        origin = arguments[1]
        arguments = arguments[2:]
    asyncio.run(run(url, origin, arguments))


if __name__ == "__main__":
    main()
