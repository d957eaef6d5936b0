"""Terminal chat with the bot through the hub (``make chat``): the web chat's visitor API, so the
conversation goes the way a citizen's does (normalised once, stored, ordered, Rasa or the agents).

Standard library only. Buttons are numbered: type the number to press one. ``/quit`` or Ctrl-D ends the
chat; ``/new`` starts a new conversation; ``/human`` asks for a person.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

PROMPT = "Anh/chị: "
AUTHORS = {"bot": "1022", "agent": "Tổng đài viên", "system": "Tổng đài 1022"}


class HubChat:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.token = ""
        self.last_id = 0

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def start(self) -> None:
        self.token = self._call("POST", "/webchat/api/session")["token"]
        self.last_id = 0

    def send(self, text: str, payload: str | None = None) -> int:
        body = {"text": text, "client_id": uuid.uuid4().hex}
        if payload:
            body["payload"] = payload
        return int(self._call("POST", "/webchat/api/messages", body)["id"])

    def handoff(self) -> str:
        return str(self._call("POST", "/webchat/api/handoff")["state"])

    def replies(self, after: int, wait: float = 60.0, quiet: float = 1.5) -> list[dict[str, Any]]:
        """Messages to the citizen after message ``after``: waits for the first, then for a pause."""
        deadline, seen, last_new = time.monotonic() + wait, [], 0.0
        while time.monotonic() < deadline:
            feed = self._call("GET", f"/webchat/api/messages?after={self.last_id}")
            for message in feed["messages"]:
                self.last_id = message["id"]
                if message["direction"] == "out" and message["id"] > after:
                    seen.append(message)
                    last_new = time.monotonic()
            if seen and time.monotonic() - last_new > quiet:
                break
            time.sleep(0.3)
        return seen


def wait_for_server(url: str, timeout: float = 180.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    return False


def render(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Print the messages; return the buttons shown (title, payload), in order."""
    buttons: list[tuple[str, str]] = []
    for message in messages:
        if message.get("text"):
            print(f"{AUTHORS.get(message['author'], '1022')}: {message['text']}")
        for button in message.get("buttons") or []:
            buttons.append((button.get("title", ""), button.get("payload") or button.get("title", "")))
            print(f"   [{len(buttons)}] {button.get('title', '')}")
    return buttons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the hub (application server)")
    args = parser.parse_args(argv)
    print("Đang chờ Tổng đài 1022 khởi động...", flush=True)
    if not wait_for_server(f"{args.url}/webchat/api/places"):
        print(f"The hub is not answering at {args.url}.", file=sys.stderr)
        return 1
    chat = HubChat(args.url)
    chat.start()
    print("Trợ lý ảo Tổng đài 1022 đã sẵn sàng.")
    print("Gõ /quit để thoát, /new để bắt đầu lại, /human để gặp tổng đài viên.")
    buttons: list[tuple[str, str]] = []
    while True:
        try:
            text = input(PROMPT).strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text:
            continue
        try:
            if text == "/quit":
                return 0
            if text == "/new":
                chat.start()
                continue
            if text == "/human":
                chat.handoff()
                buttons = render(chat.replies(chat.last_id, wait=10))
                continue
            payload = None
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                text, payload = buttons[int(text) - 1]
            sent = chat.send(text, payload)
            buttons = render(chat.replies(sent))
        except (urllib.error.URLError, OSError, ValueError) as error:
            print(f"(the hub did not answer: {error})", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
