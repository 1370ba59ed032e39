"""Reading ids from query strings and forms without tripping on what users type."""


def parse_id(value):
    """A positive database id, or None. ASCII digits only: "²".isdigit() is true in Python,
    and would reach the database as a value it cannot convert."""
    value = str(value or "").strip()
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None
