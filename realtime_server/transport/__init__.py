"""The transport: Socket.IO and Engine.IO on uvicorn, the only package that imports them.

    namespace  `FeedNamespace`: `/feed` connections, requests, batches, goodbyes, cut-offs
    server     `FeedSocketServer`: packets read without trusting them, no binary, a bound in
               bytes on what waits for each connection; `create_socket_server`, `frame_limit`
    frames     what a client's Socket.IO packet says, read without raising (pure)
    engine     `FeedEngineServer`: byte-counted send queues, sessions that end at once, and
               Engine.IO requests it can handle (the rest refused with a code)
    polling    the checks of a long-polling POST, and the 4xx answer to a malformed request
    websocket  `BoundedWebSocketProtocol`: uvicorn's websocket, each write and close bounded
               in time and the kernel's send buffer in bytes

python-socketio, python-engineio and uvicorn are used as shipped; where they fall short of a
hostile client, a subclass here says which of their lines it answers for.
"""

from realtime_server.transport.namespace import FeedNamespace
from realtime_server.transport.server import FeedSocketServer, create_socket_server, frame_limit
from realtime_server.transport.websocket import websocket_protocol

__all__ = [
    "FeedNamespace",
    "FeedSocketServer",
    "create_socket_server",
    "frame_limit",
    "websocket_protocol",
]
