"""A fake Telegram Bot API on 127.0.0.1: real limits, real error replies, every accepted message.

    with FakeTelegram(tokens={"123:abc"}) as tg:
        tg.add_chat("@nashra_test")
        ... point a channel's ``api_base`` at ``tg.url`` ...
        tg.accepted   # what a reader of the channel would see

Implemented: getMe, sendMessage, sendPhoto, sendMediaGroup, editMessageText, editMessageCaption,
forwardMessage, deleteMessage, deleteMessages (albums and refused photo URLs:
``nashra.testing._tgalbum``). Message ids count up one by one per chat, as in a channel or
supergroup; a deleted message is gone for forwardMessage ("message to forward not found"),
editMessageText ("message to edit not found") and deleteMessage ("message to delete not found").
Limits as the Bot API documents them: 1-4096 characters of text and ≤ 1024 of caption *after entity
parsing* (counted here in UTF-16 units), parse_mode=HTML with Telegram's tag subset and only the
``&lt; &gt; &amp; &quot;`` named entities (400 "can't parse entities" otherwise), 20 messages per
``chat_window`` seconds per chat and 30 per second per bot (429 with parameters.retry_after), 403
for a chat that kicked the bot, 400 "chat not found", 400 with migrate_to_chat_id for a group that
became a supergroup. Its HTML is parsed with the standard library's HTMLParser, not with nashra's
own splitter, so the two can disagree and a test will notice.

Optional fields are checked as the Bot API documents them (``nashra.testing._tgextras``):
``reply_markup`` (an inline keyboard of URL buttons), ``link_preview_options`` (and which link a
reader sees previewed, above or below the text), ``disable_notification``; each accepted message
records them (``buttons``, ``preview``, ``preview_above``, ``silent``).

``early`` lists requests that arrived through a bot before its last 429's retry_after ran out.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from nashra.testing._tgalbum import AlbumMethods, photo_error
from nashra.testing._tgextras import Extras, check_extras
from nashra.testing.faults import FakeServer, Faults, QuietServer, hang, reset

TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"} | {
    "blockquote",
    "tg-spoiler",
    "span",
    "tg-emoji",
}
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityError(ValueError):
    pass


class _Entities(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            raise EntityError(f'Unsupported start tag "{tag}"')
        if tag == "a" and not dict(attrs).get("href"):
            raise EntityError("Can't find href attribute")
        self.stack.append(tag)
        self.count += 1

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f'Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if ">" in data or "&" in data:
            raise EntityError("Character is reserved and must be escaped")
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            raise EntityError(f'Unsupported HTML entity "&{name};"')
        self.out.append(ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        self.out.append(chr(code))


def parse_html(text: str) -> str:
    """Telegram's entity parsing: the plain text, or EntityError."""
    if re.search(r"<(?![/a-zA-Z])", text):
        raise EntityError('Unsupported start tag ""')
    parser = _Entities()
    parser.feed(text)
    parser.close()
    if parser.rawdata:
        raise EntityError("Unclosed tag")
    if parser.stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.out)


def u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Chat:
    id: str
    member: bool = True
    migrate_to: str | None = None


@dataclass
class Accepted:
    chat_id: str
    message_id: int
    method: str
    text: str  # the plain text after entity parsing (what readers see)
    source: str  # the text as sent (HTML)
    at: float  # time.monotonic()
    photo: str | None = None
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    forwarded_from: tuple[str, int] | None = None  # (chat, message id) of a forwarded copy
    # What rides along (nashra.testing._tgextras): URL buttons, the previewed link and where,
    # whether the phone rang.
    buttons: tuple[tuple[str, str], ...] = ()
    preview: str | None = None
    preview_above: bool = False
    silent: bool = False
    media_group_id: str | None = None  # the album it belongs to (sendMediaGroup)


class _Reply(Exception):
    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class FakeTelegram(AlbumMethods, FakeServer):
    def __init__(
        self,
        tokens: set[str] | None = None,
        *,
        faults: Faults | None = None,
        chat_limit: int = 20,
        chat_window: float = 60.0,
        bot_per_second: int = 30,
    ) -> None:
        self.tokens = set(tokens or {"123456:TEST"})
        self.faults = faults or Faults()
        self.chat_limit, self.chat_window, self.bot_per_second = (
            chat_limit,
            chat_window,
            bot_per_second,
        )
        self.chats: dict[str, Chat] = {}
        self.accepted: list[Accepted] = []
        self.requests: list[tuple[float, str, str, str]] = []  # (at, token, method, chat)
        self.early: list[tuple[float, str, str]] = []  # (at, token, method)
        self.rate_limited = 0
        self.refused: dict[str, str] = {}  # photo URL → Telegram's error (refuse_photo)
        self.media_groups = 0
        self.delay = 0.0  # seconds every reply is held back (a slow service)
        self._blocked_until: dict[str, float] = {}
        self._sends: dict[str, list[float]] = {}
        self._bot_sends: dict[str, list[float]] = {}
        self._lock = threading.RLock()
        self._next_id: dict[str, int] = {}
        self.url = ""
        self._server: QuietServer | None = None

    # -- chats ----------------------------------------------------------------------------
    def add_chat(self, chat_id: str) -> Chat:
        chat = Chat(str(chat_id))
        self.chats[chat.id] = chat
        return chat

    def kick(self, chat_id: str) -> None:
        self.chats[str(chat_id)].member = False

    def migrate(self, chat_id: str, new_id: str) -> None:
        self.chats[str(chat_id)].migrate_to = str(new_id)
        self.add_chat(new_id)

    def messages(self, chat_id: str | None = None) -> list[Accepted]:
        """What a reader of the chat sees now: its messages not deleted, in order."""
        with self._lock:
            return [
                m
                for m in self.accepted
                if (chat_id is None or m.chat_id == str(chat_id)) and not m.deleted
            ]

    def inject(self, chat_id: str, text: str) -> Accepted:
        """A message someone else (an editor, another bot) posts in the chat."""
        with self._lock:
            chat = self.chats[str(chat_id)]
            msg = Accepted(chat.id, 0, "sendMessage", text, text, time.monotonic())
            msg.message_id = self._next_id.get(chat.id, 1)
            self._next_id[chat.id] = msg.message_id + 1
            self.accepted.append(msg)
            return msg

    def _find(self, chat: Chat, mid: int) -> Accepted | None:
        for m in self.accepted:
            if m.chat_id == chat.id and m.message_id == mid and not m.deleted:
                return m
        return None

    def _post(self, token: str, chat: Chat, msg: Accepted) -> dict[str, Any]:
        """Record an accepted message under the chat's next id (pacing was checked)."""
        self._sends.setdefault(chat.id, []).append(msg.at)
        self._bot_sends.setdefault(token, []).append(msg.at)
        msg.message_id = self._next_id.get(chat.id, 1)
        self._next_id[chat.id] = msg.message_id + 1
        self.accepted.append(msg)
        result: dict[str, Any] = {
            "message_id": msg.message_id,
            "chat": {"id": chat.id},
            "date": int(time.time()),
        }
        result["caption" if msg.photo else "text"] = msg.text
        if msg.photo:
            result["photo"] = [{"file_id": msg.photo, "width": 1, "height": 1}]
        return result

    # -- the API ---------------------------------------------------------------------------
    def _chat(self, payload: dict[str, Any]) -> Chat:
        chat = self.chats.get(str(payload.get("chat_id", "")))
        if chat is None:
            raise _Reply(400, "Bad Request: chat not found")
        if chat.migrate_to:
            raise _Reply(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=int(chat.migrate_to)
                if chat.migrate_to.lstrip("-").isdigit()
                else chat.migrate_to,
            )
        if not chat.member:
            raise _Reply(403, "Forbidden: bot was kicked from the channel chat")
        return chat

    def _text(self, payload: dict[str, Any], key: str, limit: int) -> tuple[str, str]:
        source = str(payload.get(key, ""))
        text = source
        if str(payload.get("parse_mode", "")).upper() == "HTML":
            try:
                text = parse_html(source)
            except EntityError as exc:
                raise _Reply(400, f"Bad Request: can't parse entities: {exc}") from exc
        text = text.strip()
        if key == "text" and not text:
            raise _Reply(400, "Bad Request: message text is empty")
        if u16(text) > limit:
            what = "message caption is too long" if key == "caption" else "message is too long"
            raise _Reply(400, f"Bad Request: {what}")
        return text, source

    def _pace(self, token: str, chat: Chat, now: float, count: int = 1) -> None:
        recent = [t for t in self._sends.get(chat.id, []) if t > now - self.chat_window]
        if len(recent) + count > self.chat_limit:
            retry = max(1, math.ceil(recent[0] + self.chat_window - now))
            raise _Reply(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        second = [t for t in self._bot_sends.get(token, []) if t > now - 1.0]
        if len(second) + count > self.bot_per_second:
            raise _Reply(429, "Too Many Requests: retry after 1", retry_after=1)

    def _accept(self, token: str, method: str, payload: dict[str, Any]) -> Any:
        now = time.monotonic()
        if method == "getMe":
            return {"id": int(token.split(":")[0]), "is_bot": True, "username": "nashra_test_bot"}
        if method in ("editMessageText", "editMessageCaption"):
            return self._edit(method, payload)
        if method == "deleteMessage":
            return self._delete(payload)
        if method == "deleteMessages":
            return self._delete_many(payload)
        if method == "sendMediaGroup":
            return self._media_group(token, payload, now)
        if method == "forwardMessage":
            return self._forward(token, payload, now)
        chat = self._chat(payload)
        if method == "sendMessage":
            text, source = self._text(payload, "text", 4096)
            photo = None
        else:
            photo = str(payload.get("photo", ""))
            refused = photo_error(photo, self.refused)
            if refused:
                raise _Reply(400, f"Bad Request: {refused}")
            text, source = self._text(payload, "caption", 1024)
        extras = self._extras(method, payload, source)
        self._pace(token, chat, now)
        msg = Accepted(chat.id, 0, method, text, source, now, photo)
        msg.buttons, msg.preview, msg.preview_above = (
            extras.buttons,
            extras.preview,
            extras.preview_above,
        )
        msg.silent = extras.silent
        return self._post(token, chat, msg)

    @staticmethod
    def _extras(method: str, payload: dict[str, Any], source: str) -> Extras:
        try:
            return check_extras(method, payload, source)
        except ValueError as exc:
            raise _Reply(400, str(exc)) from exc

    def _forward(self, token: str, payload: dict[str, Any], now: float) -> dict[str, Any]:
        chat = self._chat(payload)
        source = self._chat({"chat_id": payload.get("from_chat_id", "")})
        try:
            mid = int(payload.get("message_id", 0))
        except (TypeError, ValueError) as exc:
            raise _Reply(400, "Bad Request: message identifier is not specified") from exc
        original = self._find(source, mid)
        if original is None:
            raise _Reply(400, "Bad Request: message to forward not found")
        self._pace(token, chat, now)
        copy = Accepted(
            chat.id,
            0,
            "forwardMessage",
            original.text,
            original.source,
            now,
            original.photo,
            forwarded_from=(source.id, mid),
        )
        result = self._post(token, chat, copy)
        result["forward_origin"] = {
            "type": "channel",
            "chat": {"id": source.id},
            "message_id": mid,
            "date": int(time.time()),
        }
        return result

    def _delete(self, payload: dict[str, Any]) -> bool:
        chat = self._chat(payload)
        found = self._find(chat, int(payload.get("message_id", 0) or 0))
        if found is None:
            raise _Reply(400, "Bad Request: message to delete not found")
        found.deleted = True
        return True

    def _edit(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(payload)
        mid = int(payload.get("message_id", 0))
        found = [m for m in [self._find(chat, mid)] if m is not None]
        if not found:
            raise _Reply(400, "Bad Request: message to edit not found")
        key, limit = ("caption", 1024) if method == "editMessageCaption" else ("text", 4096)
        if (key == "caption") != (found[0].photo is not None):
            what = "caption" if key == "caption" else "text"
            raise _Reply(400, f"Bad Request: there is no {what} in the message to edit")
        text, source = self._text(payload, key, limit)
        extras = self._extras(method, payload, source)
        if text == found[0].text and extras.buttons == found[0].buttons:
            raise _Reply(
                400,
                "Bad Request: message is not modified: specified new message content and reply"
                " markup are exactly the same as a current content and reply markup of the message",
            )
        found[0].text, found[0].source = text, source
        found[0].buttons, found[0].preview = extras.buttons, extras.preview
        found[0].preview_above = extras.preview_above
        found[0].edits.append(text)
        return {"message_id": mid, "chat": {"id": chat.id}, key: text}

    def handle(self, handler: BaseHTTPRequestHandler, verb: str = "POST") -> None:
        m = re.fullmatch(r"/bot([^/]+)/(\w+)", handler.path.split("?")[0])
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        if m is None:
            return _send(handler, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method = m.group(1), m.group(2)
        try:
            if "json" in (handler.headers.get("Content-Type") or ""):
                payload = json.loads(raw or b"{}")
            else:
                payload = dict(parse_qsl(raw.decode()))
        except ValueError:
            payload = {}
        now = time.monotonic()
        with self._lock:
            self.requests.append((now, token, method, str(payload.get("chat_id", ""))))
            if token in self.tokens and now < self._blocked_until.get(token, 0.0):
                self.early.append((now, token, method))
        if self.delay:
            time.sleep(self.delay)
        fault = self.faults.draw("before", method)
        if fault == "reset":
            return reset(handler)
        if fault == "timeout":
            return hang(handler, self.faults.hang)
        if fault == "5xx":
            return _send(handler, 502, None)
        try:
            if token not in self.tokens:
                raise _Reply(401, "Unauthorized")
            if method not in _METHODS:
                raise _Reply(404, "Not Found: method not found")
            if fault == "429":
                raise _Reply(
                    429,
                    f"Too Many Requests: retry after {self.faults.retry_after}",
                    retry_after=self.faults.retry_after,
                )
            with self._lock:
                result = self._accept(token, method, payload)
        except _Reply as r:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": r.status,
                "description": r.description,
            }
            if r.parameters:
                body["parameters"] = r.parameters
            if r.status == 429:
                with self._lock:
                    self.rate_limited += 1
                    until = time.monotonic() + float(r.parameters["retry_after"])
                    self._blocked_until[token] = max(self._blocked_until.get(token, 0.0), until)
            return _send(handler, r.status, body)
        posts = method.startswith("send") or method == "forwardMessage"
        after = self.faults.draw("after", method) if posts else None
        if after == "reset":
            return reset(handler)
        if after == "timeout":
            return hang(handler, self.faults.hang)
        if after == "5xx":
            return _send(
                handler,
                500,
                {"ok": False, "error_code": 500, "description": "Internal Server Error"},
            )
        _send(handler, 200, {"ok": True, "result": result})


_METHODS = {
    "getMe",
    "sendMessage",
    "sendPhoto",
    "editMessageText",
    "editMessageCaption",
    "forwardMessage",
    "deleteMessage",
    "sendMediaGroup",
    "deleteMessages",
}


def _send(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any] | None) -> None:
    data = (
        json.dumps(body, ensure_ascii=False).encode()
        if body is not None
        else b"<html><body>502 Bad Gateway</body></html>"
    )
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if body is not None else "text/html")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:
        pass


def main() -> None:  # pragma: no cover - a manual helper: python -m nashra.testing.telegram
    import argparse

    ap = argparse.ArgumentParser(description="fake Telegram Bot API on 127.0.0.1")
    ap.add_argument("--port", type=int, default=8081)
    ap.add_argument("--token", default="123456:TEST")
    ap.add_argument("--chat", default="@nashra_test")
    ap.add_argument("--reconcile-chat", default="-100424242")
    args = ap.parse_args()
    fake = FakeTelegram({args.token}).start(args.port)
    fake.add_chat(args.chat)
    fake.add_chat(args.reconcile_chat)
    print(
        f"api_base = {fake.url!r}  token {args.token!r}  chat {args.chat!r}"
        f"  reconcile_chat {args.reconcile_chat!r}  (Ctrl-C to stop)"
    )
    try:
        while True:
            time.sleep(5)
            for msg in fake.messages()[-5:]:
                print(msg.message_id, msg.text[:80].replace("\n", " "))
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
