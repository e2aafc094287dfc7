"""Shipping states between the shares of a split search by numbers instead of pickles.

Pickling a state of nested records and unpickling it costs about as much as the model's work to
expand it, yet most of a state's parts repeat: the seed's handoff with every fault has 32,379
states but a few hundred distinct worlds, and a process's registers or a pipe take a handful of
values each.  So a sender numbers each distinct part the first time it ships it to a receiver,
and ships a state as a tuple of part numbers plus the parts that receiver has not been sent yet;
the receiver keeps, per sender, the list number -> part, and builds the state from those shared
part objects (which also lets the model's memo tables, keyed by worlds, hit by identity).

For a state that is a ``NamedTuple`` (its *layout*: the class and, per field, whether it is a
tuple of records), each field's value gets a number, except a field that is a tuple of records
(the handoff's registers and pipes), whose items get one each.  Any other state (a toy model's
int or plain tuple) is not coded: the caller pickles it whole.

A part is looked up by identity first (a dict of ``id``: the first object of each value, which
the table keeps alive, and up to ``ALIASES`` later equal objects, kept alive too, since a part of
a state is mostly the very object of its parent's), then by value, and the value must also be of
the same type (``1`` and ``True`` are equal keys).  Coding and rebuilding a state are functions
compiled once per layout, as ``models.records`` does for ``_replace``.

A state so rebuilt is equal to the one sent, part for part; the checker already takes equal
states to be one (its visited set), so it expands the same successors.  Ownership is decided by
the fingerprint of the real state, never by numbers.

The tables only grow, by whole levels, in step on both sides: a sender's ``Encoder`` for one
receiver mirrors that receiver's ``Decoder`` for it, as long as every batch encoded is decoded.
When a level is rolled back, both go back to a ``mark`` taken at the start of the level.  A
checkpoint holds decoded states, never numbers, so it stays self-contained; a resumed search
starts with empty tables on every share.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

Code = tuple[Any, ...]  # (layout number, then per field a part number or a tuple of them)
# What a batch carries for the receiver's tables: the new layouts (class, per field: numbered by
# item?), then per table with new parts (table number, its length before them, the parts).
Fresh = tuple[list[tuple[type, tuple[bool, ...]]], list[tuple[int, int, list[Any]]]]
Mark = tuple[int, tuple[int, ...]]  # (layouts, length of every table)

ALIASES = 1 << 16  # equal objects remembered by identity per table, then forgotten


class _Numbering:
    """One table of an encoder: the parts shipped, in number order."""

    __slots__ = ("aliases", "by_id", "by_value", "sent", "values")

    def __init__(self) -> None:
        self.values: list[Any] = []  # keeps the numbered objects alive, so their ids stay theirs
        self.aliases: list[Any] = []  # the same for later equal objects looked up by identity
        self.by_id: dict[int, int] = {}
        self.by_value: dict[Any, int] = {}
        self.sent = 0  # parts already put into a batch

    def number(self, value: Any) -> int:
        """The number of a part not found by identity (``by_id`` is looked up first)."""
        n = self.by_value.get(value)
        if n is None or type(self.values[n]) is not type(value):
            n = len(self.values)
            self.values.append(value)
            self.by_value[value] = n
        else:  # an equal object: remembered by identity too, so it must be kept alive
            if len(self.aliases) >= ALIASES:
                self._forget_aliases()
            self.aliases.append(value)
        self.by_id[id(value)] = n
        return n

    def _forget_aliases(self) -> None:
        """``by_id`` for the numbered objects alone (in place: coders hold its ``get``)."""
        self.by_id.clear()
        self.by_id.update((id(v), n) for n, v in enumerate(self.values))
        self.aliases.clear()

    def truncate(self, length: int) -> None:
        for n in range(len(self.values) - 1, length - 1, -1):
            value = self.values[n]
            if self.by_value.get(value) == n:
                del self.by_value[value]
        del self.values[length:]
        self._forget_aliases()
        self.sent = min(self.sent, length)


def _layout_of(state: Any) -> tuple[bool, ...] | None:
    """Per field of a ``NamedTuple`` state: whether its items are numbered one by one (a plain
    tuple of records); ``None`` for a state that is not a ``NamedTuple``."""
    cls = type(state)
    fields = getattr(cls, "_fields", None)
    if not isinstance(state, tuple) or not isinstance(fields, tuple) or len(fields) != len(state):
        return None
    if hasattr(state, "__dict__"):  # a subclass with attributes of its own
        return None
    return tuple(
        type(value) is tuple and bool(value) and all(isinstance(item, tuple) for item in value)
        for value in state
    )


# A layout as an encoder knows it: its number, and per field the table of whole values and, for
# a field numbered by item, the table of items.
_Known = tuple[int, list[tuple["_Numbering", "_Numbering | None"]]]


class Encoder:
    """What one sender has shipped to one receiver."""

    def __init__(self) -> None:
        self._layouts: dict[type, _Known] = {}
        self._layout_list: list[tuple[type, tuple[bool, ...]]] = []
        self._layouts_sent = 0
        self._tables: list[_Numbering] = []
        self._plain: set[type] = set()  # state types that are not coded
        self._coders: dict[type, Callable[[Any], Code]] = {}  # compiled ``encode`` per layout

    def encode(self, state: Any) -> Code | None:
        """The state's code, or ``None`` for a state to be pickled whole."""
        coder = self._coders.get(type(state))
        if coder is None:
            if type(state) in self._plain:
                return None
            known = self._add_layout(state)
            if known is None:
                return None
            coder = self._coders[type(state)] = _compile_encoder(*known)
        return coder(state)

    def _add_layout(self, state: Any) -> _Known | None:
        cls = type(state)
        kinds = _layout_of(state)
        if kinds is None:
            self._plain.add(cls)
            return None
        tables: list[tuple[_Numbering, _Numbering | None]] = []
        for by_item in kinds:
            whole = self._table()
            tables.append((whole, self._table() if by_item else None))
        known = (len(self._layout_list), tables)
        self._layout_list.append((cls, kinds))
        self._layouts[cls] = known
        return known

    def _table(self) -> _Numbering:
        table = _Numbering()
        self._tables.append(table)
        return table

    def fresh(self) -> Fresh:
        """The layouts and parts numbered since the last batch (to go with this one)."""
        layouts = self._layout_list[self._layouts_sent :]
        self._layouts_sent = len(self._layout_list)
        parts: list[tuple[int, int, list[Any]]] = []
        for index, table in enumerate(self._tables):
            if table.sent < len(table.values):
                parts.append((index, table.sent, table.values[table.sent :]))
                table.sent = len(table.values)
        return layouts, parts

    def mark(self) -> Mark:
        return len(self._layout_list), tuple(len(t.values) for t in self._tables)

    def restore(self, mark: Mark) -> None:
        """Back to ``mark`` (the tables then, with what had been sent then)."""
        layouts, lengths = mark
        for cls, _ in self._layout_list[layouts:]:
            del self._layouts[cls]
            self._coders.pop(cls, None)
        del self._layout_list[layouts:]
        self._layouts_sent = min(self._layouts_sent, layouts)
        del self._tables[len(lengths) :]
        for table, length in zip(self._tables, lengths, strict=True):
            table.truncate(length)


class Decoder:
    """What one receiver has been shipped by one sender."""

    def __init__(self) -> None:
        self._layouts: list[tuple[type, list[tuple[list[Any], list[Any] | None]]]] = []
        self._tables: list[list[Any]] = []
        self._builders: list[Callable[[Code], Any]] = []  # compiled rebuilding per layout

    def absorb(self, fresh: Fresh) -> None:
        layouts, parts = fresh
        for cls, kinds in layouts:
            tables: list[tuple[list[Any], list[Any] | None]] = []
            for by_item in kinds:
                whole: list[Any] = []
                self._tables.append(whole)
                items: list[Any] | None = None
                if by_item:
                    items = []
                    self._tables.append(items)
                tables.append((whole, items))
            self._layouts.append((cls, tables))
            self._builders.append(_compile_decoder(cls, tables))
        for index, start, values in parts:
            table = self._tables[index]
            if len(table) != start:
                raise RuntimeError(
                    f"shipped parts out of step: table {index} has {len(table)} parts, the "
                    f"sender numbered from {start}"
                )
            table.extend(values)

    def decode(self, code: Code) -> Any:
        return self._builders[code[0]](code)

    def mark(self) -> Mark:
        return len(self._layouts), tuple(len(t) for t in self._tables)

    def restore(self, mark: Mark) -> None:
        layouts, lengths = mark
        del self._layouts[layouts:]
        del self._builders[layouts:]
        del self._tables[len(lengths) :]
        for table, length in zip(self._tables, lengths, strict=True):
            del table[length:]


def _compile_encoder(
    number: int, tables: list[tuple[_Numbering, _Numbering | None]]
) -> Callable[[Any], Code]:
    """``encode`` for one layout: per field, the part's number by identity, else by value; for a
    field numbered by item, the tuple of its items' numbers (or, if it is no tuple, its own)."""
    namespace: dict[str, Any] = {"_tuple": tuple}
    fields = []
    for i, (whole, items) in enumerate(tables):
        namespace[f"g{i}"], namespace[f"n{i}"] = whole.by_id.get, whole.number
        one = f"(n{i}(v{i}) if (h := g{i}(id(v{i}))) is None else h)"
        if items is None:
            fields.append(one)
        else:
            namespace[f"G{i}"], namespace[f"N{i}"] = items.by_id.get, items.number
            each = f"_tuple([N{i}(x) if (h := G{i}(id(x))) is None else h for x in v{i}])"
            fields.append(f"({each} if type(v{i}) is _tuple else {one})")
    names = ", ".join(f"v{i}" for i in range(len(tables)))
    source = (
        f"def encode(state):\n    {names}, = state\n    return ({number}, {', '.join(fields)})\n"
    )
    exec(source, namespace)
    encode: Callable[[Any], Code] = namespace["encode"]
    return encode


def _compile_decoder(
    cls: type, tables: list[tuple[list[Any], list[Any] | None]]
) -> Callable[[Code], Any]:
    """Rebuilding for one layout, from its tables (lists the decoder extends in place)."""
    namespace: dict[str, Any] = {"_tuple": tuple, "_new": tuple.__new__, "_cls": cls, "_map": map}
    fields = []
    for i, (whole, items) in enumerate(tables):
        namespace[f"w{i}"] = whole
        if items is None:
            fields.append(f"w{i}[c[{i + 1}]]")
        else:
            namespace[f"t{i}"] = items.__getitem__
            part = f"c[{i + 1}]"
            each = f"_tuple(_map(t{i}, {part}))"
            fields.append(f"({each} if type({part}) is _tuple else w{i}[{part}])")
    source = f"def decode(c):\n    return _new(_cls, ({', '.join(fields)},))\n"
    exec(source, namespace)
    decode: Callable[[Code], Any] = namespace["decode"]
    return decode


class Shipping:
    """A share's encoders (one per other share) and decoders (one per other share)."""

    def __init__(self, index: int, count: int) -> None:
        self.index, self.count = index, count
        self.encoders = [Encoder() for _ in range(count)]
        self.decoders = [Decoder() for _ in range(count)]

    def pack(self, receiver: int, candidates: dict[int, tuple[Any, Any, Hashable]]) -> Any:
        """The candidates for ``receiver`` as (fresh parts, coded candidates, plain ones)."""
        encoder = self.encoders[receiver]
        coded: dict[int, tuple[Any, Any, Code]] = {}
        plain: dict[int, tuple[Any, Any, Hashable]] = {}
        encode = encoder.encode
        for key, (path, parent, state) in candidates.items():
            code = encode(state)
            if code is None:
                plain[key] = (path, parent, state)
            else:
                coded[key] = (path, parent, code)
        return encoder.fresh(), coded, plain

    def unpack(self, sender: int, packed: Any) -> list[tuple[int, tuple[Any, Any, Any]]]:
        """The candidates of ``sender``'s batch, states rebuilt."""
        fresh, coded, plain = packed
        decoder = self.decoders[sender]
        decoder.absorb(fresh)
        decode = decoder.decode
        out = [(key, (path, parent, decode(code))) for key, (path, parent, code) in coded.items()]
        out.extend(plain.items())
        return out

    def mark(self) -> tuple[list[Mark], list[Mark]]:
        return [e.mark() for e in self.encoders], [d.mark() for d in self.decoders]

    def restore(self, mark: tuple[list[Mark], list[Mark]]) -> None:
        encoders, decoders = mark
        for encoder, m in zip(self.encoders, encoders, strict=True):
            encoder.restore(m)
        for decoder, m in zip(self.decoders, decoders, strict=True):
            decoder.restore(m)


def round_trip(states: Sequence[Any]) -> list[Any]:
    """``states`` coded by one encoder and rebuilt by one decoder, batch by batch of one (for
    tests and measurements)."""
    encoder, decoder = Encoder(), Decoder()
    out = []
    for state in states:
        code = encoder.encode(state)
        decoder.absorb(encoder.fresh())
        out.append(state if code is None else decoder.decode(code))
    return out
