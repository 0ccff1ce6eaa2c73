"""English verbs and the nouns a catalog names their doing by: "did we sell" is about sales, "got
cancelled" about cancellations. The English language's, not a domain's: a catalog's metric names
hold the nouns, questions the verbs. Irregular and derived forms only; a plural is read elsewhere."""

from __future__ import annotations

# verb form → the start every noun of its family begins with
_FAMILIES = {
    "sale": ("sell", "sells", "selling", "sold"),
    "purchas": ("buy", "buys", "buying", "bought"),
    "payment": ("pay", "pays", "paying", "paid"),
    "shipment": ("ship", "ships", "shipping", "shipped"),
    "deliver": ("delivered", "delivering"),
    "install": ("installed", "installing"),
    "cancel": ("cancelled", "canceled", "cancelling", "canceling"),
    "refund": ("refunded", "refunding"),
    "return": ("returned", "returning"),
    "settle": ("settled", "settling"),
    "disburse": ("disbursed", "disbursing"),
    "acqui": ("acquire", "acquired", "acquiring"),
    "complain": ("complained", "complaining"),
    "loss": ("lose", "lost", "losing"),
    "spend": ("spent", "spending"),
    "open": ("opened", "opening"),
    "clos": ("closed", "closing"),
    "churn": ("churned", "churning"),
    "order": ("ordered", "ordering"),
    "claim": ("claimed", "claiming"),
    "sign": ("signed", "signing"),
    "pick": ("picked", "picking"),
    "earn": ("earned", "earning"),
    "receiv": ("receive", "received", "receiving", "receipt"),
}
_NOUN_START = {form: start for start, forms in _FAMILIES.items() for form in forms}


def noun_start(word: str) -> str | None:
    """The start of the nouns an English verb form names (sold → sale), or None."""
    return _NOUN_START.get(word.lower())
