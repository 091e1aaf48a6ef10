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
Everything else is ``AgentBuffer``'s. Nothing to change here unless ML-Agents'
own sampling changes.
"""

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
    mini_batch = AgentBuffer()
    for key, field in buffer.items():
        mini_batch[key].set(_take(field, rows))
    return mini_batch


def _take(field: AgentBufferField, rows: list[int]) -> list:
    """``[field[i] for i in rows]``, through ``list.__getitem__`` (a C loop)."""
    return list(map(list.__getitem__, repeat(field, len(rows)), rows))
