#!/usr/bin/env python3
"""A plaintext IMAP proxy that makes a server store an APPEND late when the client died right after
sending it: the test double of a server still reading a vanished client's last command from a slow
link (issue 16: a run killed after the last byte of a MULTIAPPEND, restarted at once).

    late-append-proxy.py TARGET_PORT --port-file FILE [--hold-ms 50] [--late-ms 2000]

Listens on 127.0.0.1 (a free port, written to FILE once listening) and forwards to
127.0.0.1:TARGET_PORT. Client bytes pass at once, except the last line of every APPEND command (the
CRLF after its last literal): it is held for --hold-ms. If the client closes its side within that
time (it was killed after sending the command), the line goes to the server only --late-ms later,
followed by the close; otherwise it goes on at once. Server bytes always pass at once.

Stdlib only, independent of mailferry's Swift code. Runs until killed (SIGTERM).
"""
import argparse
import asyncio
import os
import re
import sys

LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")


class ClientStream:
    """Follows the client's commands: lines, literals, and where an APPEND command ends."""

    def __init__(self):
        self.buffer = b""
        self.literal_left = 0
        self.command_is_append = None  # None: at the start of a command

    def feed(self, data):
        """Splits `data` into pieces; yields (bytes, ends_append)."""
        self.buffer += data
        while self.buffer:
            if self.literal_left:
                take = self.buffer[: self.literal_left]
                self.buffer = self.buffer[len(take):]
                self.literal_left -= len(take)
                yield take, False
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line = self.buffer[: end + 2]
            self.buffer = self.buffer[end + 2:]
            if self.command_is_append is None:
                words = line.split(b" ", 2)
                self.command_is_append = len(words) > 1 and words[1].upper().startswith(b"APPEND")
            match = LITERAL.search(line)
            if match:
                self.literal_left = int(match.group(1))
                yield line, False
            else:
                ends_append = bool(self.command_is_append)
                self.command_is_append = None
                yield line, ends_append


async def client_to_server(reader, writer, hold, late):
    stream = ClientStream()
    held = None
    try:
        while True:
            if held is not None:
                try:
                    data = await asyncio.wait_for(reader.read(65536), hold)
                except asyncio.TimeoutError:
                    writer.write(held)
                    await writer.drain()
                    held = None
                    continue
                if not data:
                    # The client is gone right after a whole APPEND: the server gets it late.
                    await asyncio.sleep(late)
                    writer.write(held)
                    await writer.drain()
                    break
                writer.write(held)
                held = None
            else:
                data = await reader.read(65536)
                if not data:
                    break
            for piece, ends_append in stream.feed(data):
                if held is not None:
                    writer.write(held)
                    held = None
                if ends_append:
                    held = piece
                else:
                    writer.write(piece)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.write_eof()
        except (ConnectionError, OSError, RuntimeError):
            pass


async def server_to_client(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description="IMAP proxy that stores a dead client's last APPEND late")
    parser.add_argument("target_port", type=int)
    parser.add_argument("--hold-ms", type=int, default=50)
    parser.add_argument("--late-ms", type=int, default=2000)
    parser.add_argument("--port-file", required=True)
    arguments = parser.parse_args()
    hold = arguments.hold_ms / 1000
    late = arguments.late_ms / 1000

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", arguments.target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            client_to_server(client_reader, server_writer, hold, late),
            server_to_client(server_reader, client_writer),
        )
        server_writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    temporary = arguments.port_file + ".tmp"
    with open(temporary, "w") as file:
        file.write(str(server.sockets[0].getsockname()[1]))
    os.replace(temporary, arguments.port_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
