"""A small local HTTP server that speaks enough of the OpenAI API for the real SDK to talk to it.

Endpoints: GET /v1/models (the key check), /v1/chat/completions (plain, streamed SSE, json_schema structured output),
/v1/embeddings, /v1/audio/transcriptions (verbose_json segments), /v1/audio/speech.
`failures` is a queue of planned failures for the next requests: 401, 429, 500, "timeout".
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OpenAIDouble:
    def __init__(self) -> None:
        self.failures: deque[int | str] = deque()
        self.requests: list[dict[str, Any]] = []
        self.chat_reply = "Mount Etna is the most active volcano in Europe [1]."
        self.structured_reply: dict[str, Any] = {"answer": "Etna", "evidence": 1}
        self.transcription_sizes: list[int] = []
        self.timeout_sleep = 3.0
        self.last_chat: dict[str, Any] = {}
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                double.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "size": 0})
                if double.failures:
                    failure = double.failures.popleft()
                    self._json(int(failure), {"error": {"message": f"planned {failure}", "code": str(failure)}})
                elif self.path.endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "no such endpoint"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                double.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "size": len(body)}
                )
                if double.failures:
                    failure = double.failures.popleft()
                    if failure == "timeout":
                        time.sleep(double.timeout_sleep)
                        self._json(500, {"error": {"message": "late"}})
                        return
                    self._json(
                        int(failure), {"error": {"message": f"planned {failure}", "type": "test", "code": str(failure)}}
                    )
                    return
                if self.path.endswith("/chat/completions"):
                    double.last_chat = json.loads(body)
                    self._chat(double.last_chat)
                elif self.path.endswith("/embeddings"):
                    self._embeddings(json.loads(body))
                elif self.path.endswith("/audio/transcriptions"):
                    double.transcription_sizes.append(len(body))
                    self._json(
                        200,
                        {
                            "task": "transcribe",
                            "language": "english",
                            "duration": 10.0,
                            "text": "hello there. second part.",
                            "segments": [
                                {"id": 0, "start": 0.0, "end": 4.0, "text": " hello there."},
                                {"id": 1, "start": 4.0, "end": 9.0, "text": " second part."},
                            ],
                        },
                    )
                elif self.path.endswith("/audio/speech"):
                    data = b"ID3" + json.loads(body)["input"].encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/mpeg")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                else:
                    self._json(404, {"error": {"message": "no such endpoint"}})

            def _json(self, status: int, data: Any) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(raw)

            def _chat(self, request: dict[str, Any]) -> None:
                fmt = request.get("response_format") or {}
                content = json.dumps(double.structured_reply) if fmt.get("type") == "json_schema" else double.chat_reply
                if request.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    words = content.split(" ")
                    for i, word in enumerate(words):
                        piece = word + ("" if i == len(words) - 1 else " ")
                        chunk = {
                            "id": "c1",
                            "object": "chat.completion.chunk",
                            "created": 0,
                            "model": request["model"],
                            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                        }
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    end = {
                        "id": "c1",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": request["model"],
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    }
                    self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                    self.close_connection = True
                    return
                self._json(
                    200,
                    {
                        "id": "c1",
                        "object": "chat.completion",
                        "created": 0,
                        "model": request["model"],
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    },
                )

            def _embeddings(self, request: dict[str, Any]) -> None:
                inputs = request["input"] if isinstance(request["input"], list) else [request["input"]]
                data = []
                for i, text in enumerate(inputs):
                    text = str(text).lower()
                    vector = [float(text.count(c)) + 0.01 for c in "aeiouvlcn"]
                    norm = sum(v * v for v in vector) ** 0.5
                    data.append({"object": "embedding", "index": i, "embedding": [v / norm for v in vector]})
                self._json(
                    200,
                    {
                        "object": "list",
                        "data": data,
                        "model": request["model"],
                        "usage": {"prompt_tokens": 1, "total_tokens": 1},
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> OpenAIDouble:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
