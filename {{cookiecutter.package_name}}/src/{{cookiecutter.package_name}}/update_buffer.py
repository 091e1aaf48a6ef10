"""The trainer's update buffer: ML-Agents' ``AgentBuffer``, with faster sampling and shuffling.

``AgentBuffer.sample_mini_batch`` and ``AgentBuffer.shuffle`` slice every field
once per sequence, and each slice of an ``AgentBufferField`` goes through its
Python-level ``__getitem__``, which wraps the slice in a new field: with about
20 fields and a batch of 256, that is thousands of Python calls per minibatch,
more than the SAC update's own forward and backward passes on small networks.
``UpdateBuffer`` draws the same random numbers from ``np.random`` and returns
the same rows, in the same order, taking them with ``list.__getitem__`` in C.
For a trainer that keeps the buffer as tensors, ``shuffled_rows`` reorders
row numbers (``row_numbers``) with the same draws as ``shuffle`` and
``take`` copies rows out.

A minibatch (``MiniBatch``) takes a field's rows when the field is first read:
an update reads about half of the fields (SAC's: observations, next
observations, actions, masks, dones, rewards), and ML-Agents' off-policy
trainer samples one more minibatch per update for the reward signals, which
the extrinsic reward never reads. Same rows, fewer copies.
Everything else is ``AgentBuffer``'s. Nothing to change here unless ML-Agents'
own sampling changes.
"""

from collections import defaultdict
from collections.abc import Iterator, MutableMapping
from itertools import repeat

import numpy as np
from mlagents.trainers.buffer import (
    AgentBuffer,
    AgentBufferField,
    AgentBufferKey,
    BufferException,
)


class UpdateBuffer(AgentBuffer):
    """An ``AgentBuffer`` whose ``sample_mini_batch`` and ``shuffle`` take rows in C."""

    def sample_mini_batch(
        self, batch_size: int, sequence_length: int = 1
    ) -> AgentBuffer:
        """``batch_size // sequence_length`` random whole sequences, as ``AgentBuffer``'s."""
        num_sequences = self.num_experiences // sequence_length
        starts = (
            np.random.randint(num_sequences, size=batch_size // sequence_length)
            * sequence_length
        )
        return _mini_batch(self, _sequence_rows(starts, sequence_length))

    def take(self, rows: list[int]) -> AgentBuffer:
        """A new ``AgentBuffer`` of the rows ``rows`` of every field, in that order."""
        return _mini_batch(self, rows)

    def shuffle(
        self, sequence_length: int, key_list: list[AgentBufferKey] | None = None
    ) -> None:
        """Reorder whole sequences the same way in every field, as ``AgentBuffer``'s."""
        if key_list is None:
            key_list = list(self.keys())
        if not self.check_length(key_list):
            raise BufferException(
                "Unable to shuffle if the fields are not of same length"
            )
        rows = shuffled_rows(np.arange(len(self[key_list[0]])), sequence_length)
        for key in key_list:
            self[key].set(_take(self[key], rows.tolist()))

    def row_numbers(self) -> np.ndarray:
        """0, 1, ..., n - 1 for the n rows of every field (all must have n)."""
        if not self.check_length(list(self.keys())):
            raise BufferException("The buffer's fields are not of the same length")
        return np.arange(self.num_experiences)


def shuffled_rows(rows: np.ndarray, sequence_length: int) -> np.ndarray:
    """``rows`` reordered as ``AgentBuffer.shuffle`` reorders a buffer's rows.

    The same ``np.random`` draw: whole sequences of ``sequence_length`` rows
    change places, and a last, partial sequence is dropped. Shuffling row
    numbers, epoch after epoch, gives the rows that shuffling the buffer would.
    """
    order = np.arange(len(rows) // sequence_length)
    np.random.shuffle(order)
    return rows[_sequence_rows(order * sequence_length, sequence_length)]


def _sequence_rows(starts: np.ndarray, sequence_length: int) -> list[int]:
    """Every row of the sequences that begin at ``starts``, in order."""
    return (starts[:, None] + np.arange(sequence_length)).ravel().tolist()


def _mini_batch(buffer: AgentBuffer, rows: list[int]) -> AgentBuffer:
    return MiniBatch(buffer, rows)


class MiniBatch(AgentBuffer):
    """The rows ``rows`` of every field of ``source``, each taken when first read.

    An ``AgentBuffer`` in every way: its fields are ``TakenRows``, the mapping
    that ``AgentBuffer`` keeps in ``_fields`` (a ``defaultdict`` in mlagents
    1.1.0) and that all its methods go through. Read it before the update
    buffer changes, as ML-Agents' trainers do (they sample and update in one
    call); a field first read after that raises ``BufferException``.
    """

    def __init__(self, source: AgentBuffer, rows: list[int]) -> None:
        super().__init__()
        if not isinstance(getattr(self, "_fields", None), defaultdict):
            raise BufferException(
                "this mlagents' AgentBuffer keeps no defaultdict of fields in "
                "_fields: update_buffer.MiniBatch was written for mlagents 1.1.0"
            )
        self._fields = TakenRows(source, rows)  # type: ignore[assignment]


class TakenRows(MutableMapping[AgentBufferKey, AgentBufferField]):
    """A minibatch's fields: the source's keys, each field's rows taken on first read.

    Like the ``defaultdict(AgentBufferField)`` it stands in for, reading a key
    that neither it nor the source has adds an empty field.
    """

    def __init__(self, source: AgentBuffer, rows: list[int]) -> None:
        self._source = source
        self._rows = rows
        # Each field's length when sampled: rows taken later must be the same rows.
        self._lengths = {key: len(field) for key, field in source.items()}
        self._fields: dict[AgentBufferKey, AgentBufferField | None] = dict.fromkeys(
            self._lengths
        )

    def __getitem__(self, key: AgentBufferKey) -> AgentBufferField:
        field = self._fields.get(key)
        if field is None:
            field = AgentBufferField()
            if key in self._lengths:
                source = self._source[key]
                if len(source) != self._lengths.pop(key):
                    raise BufferException(
                        f"the update buffer changed after this minibatch was sampled "
                        f"(field {key} has {len(source)} rows): read a minibatch "
                        "before the buffer changes"
                    )
                field.set(_take(source, self._rows))
            self._fields[key] = field
        return field

    def __setitem__(self, key: AgentBufferKey, value: AgentBufferField) -> None:
        self._lengths.pop(key, None)
        self._fields[key] = value

    def __delitem__(self, key: AgentBufferKey) -> None:
        del self._fields[key]
        self._lengths.pop(key, None)

    def __iter__(self) -> Iterator[AgentBufferKey]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __contains__(self, key: object) -> bool:
        return key in self._fields


def _take(field: AgentBufferField, rows: list[int]) -> list:
    """``[field[i] for i in rows]``, through ``list.__getitem__`` (a C loop)."""
    return list(map(list.__getitem__, repeat(field, len(rows)), rows))
