"""JSON Schemas of every protocol message, generated from the pydantic models.

    python -m realtime_server.protocol.schema                 print the schema appendix
    python -m realtime_server.protocol.schema --write FILE    replace it inside FILE

The appendix sits between two marker lines in `docs/protocol.md`; a unit test fails when the
file no longer matches the models, so the document cannot drift from the code.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pydantic import BaseModel

from realtime_server.protocol import acks, messages
from realtime_server.protocol import requests as req

BEGIN = "<!-- BEGIN GENERATED SCHEMAS (python -m realtime_server.protocol.schema) -->"
END = "<!-- END GENERATED SCHEMAS -->"

SECTIONS: list[tuple[str, list[tuple[str, type[BaseModel]]]]] = [
    (
        "Requests (client → server)",
        [
            ("subscribe", req.SubscribeRequest),
            ("unsubscribe", req.UnsubscribeRequest),
            ("modify", req.ModifyRequest),
            ("subscriptions", req.ListSubscriptionsRequest),
            ("catalog", req.CatalogRequest),
            ("ping", req.PingRequest),
            ("refresh", req.RefreshRequest),
            ("alert_create", req.AlertCreateRequest),
            ("alert_list", req.AlertListRequest),
            ("alert_delete", req.AlertDeleteRequest),
            ("alert_ack", req.AlertAckRequest),
        ],
    ),
    (
        "Acknowledgements (server → client)",
        [
            ("error (any request)", acks.ErrorAck),
            ("subscribe", acks.SubscribeAck),
            ("unsubscribe", acks.UnsubscribeAck),
            ("modify", acks.ModifyAck),
            ("subscriptions", acks.SubscriptionsAck),
            ("catalog", acks.CatalogAck),
            ("ping", acks.PingAck),
            ("refresh", acks.RefreshAck),
            ("alert_create", acks.AlertRuleAck),
            ("alert_list", acks.AlertListAck),
            ("alert_delete", acks.AlertDeleteAck),
            ("alert_ack", acks.AlertAckAck),
        ],
    ),
    (
        "Server events and channel data",
        [
            ("batch", messages.Batch),
            ("goodbye", messages.Goodbye),
            ("price:<SYM>", messages.Quote),
            ("bars:<interval>:<SYM>", messages.Bar),
            ("summary", messages.Summary),
            ("source", messages.SourceStatus),
            ("news, news:<SYM>", messages.NewsItem),
            ("alerts:<user>", messages.FiredAlert),
            ("alert rule", messages.AlertRule),
        ],
    ),
]


def render() -> str:
    """The appendix: one fenced JSON Schema per message, grouped by direction."""
    parts = [BEGIN, ""]
    for title, models in SECTIONS:
        parts.append(f"### {title}\n")
        for label, model in models:
            schema = model.model_json_schema(mode="serialization")
            parts.append(f"#### `{label}` — {model.__name__}\n")
            parts.append("```json\n" + json.dumps(schema, indent=2, ensure_ascii=False) + "\n```\n")
    parts.append(END)
    return "\n".join(parts)


def splice(document: str) -> str:
    """`document` with its generated appendix replaced by a fresh one."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + render() + document[end:]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="replace the appendix inside this file")
    args = parser.parse_args(argv)
    if args.write is None:
        print(render())
        return
    args.write.write_text(splice(args.write.read_text()))


if __name__ == "__main__":
    main()
