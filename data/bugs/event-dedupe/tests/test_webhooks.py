from webhooks import Delivery, deduplicate, route

STREAM = [
    Delivery("stripe", "evt_1", "invoice.paid"),
    Delivery("github", "evt_1", "push"),
    Delivery("stripe", "evt_1", "invoice.paid", attempt=2),
    Delivery("stripe", "evt_2", "charge.failed"),
    Delivery("github", "evt_1", "push", attempt=3),
]


def test_redeliveries_are_dropped():
    kept = deduplicate(STREAM)
    assert [(d.source, d.id, d.attempt) for d in kept] == [
        ("stripe", "evt_1", 1),
        ("github", "evt_1", 1),
        ("stripe", "evt_2", 1),
    ]


def test_same_id_from_different_sources_is_kept():
    assert len(deduplicate(STREAM[:2])) == 2


def test_routing():
    handlers = {"invoice.paid": "billing", "push": "ci"}
    assert route(STREAM, handlers) == {
        "billing": ["stripe:evt_1"],
        "ci": ["github:evt_1"],
        "dead-letter": ["stripe:evt_2"],
    }
