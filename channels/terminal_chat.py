"""Terminal chat with the running bot, through the same REST webhook the hub uses (``make chat``).

Standard library only, so it runs in either runtime. Buttons are numbered: type the number to press one.
``/quit`` or Ctrl-D ends the chat; ``/new`` starts a new conversation.
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


def wait_for_server(url: str, timeout: float = 180.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    return False


def send(webhook: str, sender: str, text: str) -> list[dict[str, Any]]:
    body = json.dumps(
        {"sender": sender, "message": text, "metadata": {"channel": "webchat", "channel_user_id": sender}}
    ).encode()
    request = urllib.request.Request(webhook, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def render(messages: list[dict[str, Any]]) -> list[str]:
    """Print the bot's messages; return the payloads of the buttons shown, in order."""
    payloads: list[str] = []
    for message in messages:
        if message.get("text"):
            print(f"1022: {message['text']}")
        for button in message.get("buttons") or []:
            payloads.append(button.get("payload") or button.get("title", ""))
            print(f"   [{len(payloads)}] {button.get('title', '')}")
        if message.get("custom"):
            print(f"   ({json.dumps(message['custom'], ensure_ascii=False)})")
    return payloads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    args = parser.parse_args(argv)
    webhook = f"{args.url}/webhooks/rest/webhook"
    print("Đang chờ trợ lý ảo khởi động...", flush=True)
    if not wait_for_server(args.url):
        print(f"The bot is not answering at {args.url}.", file=sys.stderr)
        return 1
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print("Trợ lý ảo Tổng đài 1022 đã sẵn sàng. Gõ /quit để thoát, /new để bắt đầu cuộc trò chuyện mới.")
    payloads: list[str] = []
    while True:
        try:
            text = input(PROMPT).strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text:
            continue
        if text == "/quit":
            return 0
        if text == "/new":
            sender = f"terminal-{uuid.uuid4().hex[:8]}"
            continue
        if text.isdigit() and 1 <= int(text) <= len(payloads):
            text = payloads[int(text) - 1]
        try:
            payloads = render(send(webhook, sender, text))
        except (urllib.error.URLError, OSError, ValueError) as error:
            print(f"(the bot did not answer: {error})", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
