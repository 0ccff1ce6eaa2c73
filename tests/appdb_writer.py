"""A writer process for the durability tests: records an ask and its feedback, then acknowledges
the event id on stdout only after both commits returned."""

import sys

from chatbi.appdb import AppDB
from chatbi.appdb.audit import Event


def main(url: str, count: int, name: str) -> None:
    db = AppDB.open(url)
    for i in range(count):
        event = db.audit.record(Event(user_name=name, role="channel_staff", kind="ask", status="answered",
                                      question=f"{name} question {i}", path="matcher", row_count=1, latency_ms=3.0))
        db.feedback.rate(event, name, 1 if i % 2 else -1, f"comment {i}")
        print(event, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
