"""A WebSocket echo backend, for devserve's WebSocket proxy tests (Python's websockets, 13 or later).

    python3 echo_backend.py

Listens on a free loopback port and prints one line per event, flushed at once:

    listening PORT                  ready
    tcp N                           the Nth TCP connection was accepted (before anything is read)
    http PATH                       a plain HTTP request, answered 200 "plain ok"
    open PATH host=… xff=… xfh=… xfp=… origin=…
                                    a WebSocket handshake succeeded (its target and headers)
    said WORDS                      a text message "say:WORDS" came (and is echoed as any other)
    closed CODE                     a WebSocket connection has ended, the close code it was sent
                                    (1006 when none came)

A WebSocket gets the text "welcome" at once, then every message back as it came (text as text,
bytes as bytes); the text "close-4001" makes the backend close with code 4001, reason "asked".
A handshake for a path that ends in /private is refused with 403 "private".
"""

import asyncio
import sys
from http import HTTPStatus

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


def say(line):
    print(line, flush=True)


class CountedConnection(ServerConnection):
    """Says when a TCP connection comes, before any request on it is read."""

    count = 0

    def connection_made(self, transport):
        CountedConnection.count += 1
        say(f"tcp {CountedConnection.count}")
        super().connection_made(transport)


def process_request(connection, request):
    if request.headers.get("Upgrade", "").lower() != "websocket":
        say(f"http {request.path}")
        return connection.respond(HTTPStatus.OK, "plain ok\n")
    if request.path.split("?")[0].endswith("/private"):
        return connection.respond(HTTPStatus.FORBIDDEN, "private\n")
    return None


async def echo(websocket):
    request = websocket.request
    headers = request.headers
    say(
        f"open {request.path} host={headers.get('Host')} xff={headers.get('X-Forwarded-For')}"
        f" xfh={headers.get('X-Forwarded-Host')} xfp={headers.get('X-Forwarded-Proto')} origin={headers.get('Origin')}"
    )
    try:
        await websocket.send("welcome")
        async for message in websocket:
            if message == "close-4001":
                await websocket.close(4001, "asked")
                break
            if isinstance(message, str) and message.startswith("say:"):
                say(f"said {message[4:]}")
            await websocket.send(message)
    except ConnectionClosed:
        pass
    await websocket.wait_closed()
    say(f"closed {websocket.close_code}")


async def main():
    async with serve(
        echo, "127.0.0.1", 0, process_request=process_request, create_connection=CountedConnection, ping_interval=None
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        say(f"listening {port}")
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
