"""The off-policy trainer's replay buffer: the update buffer, each field also kept as one array.

A field of an ``AgentBuffer`` is a list with one small array per step, so a
minibatch's tensors are built by ``np.asanyarray`` over its 256 rows, about a
dozen conversions per gradient step. Stable-Baselines3 keeps its replay
buffer in arrays and samples by indexing. ``ReplayBuffer`` does both: each
field (``ArrayField``) stays the list ML-Agents reads and writes, and also
keeps its rows in one array. Rows appended to the list are converted once,
when the array is next read; anything else that changes the list (``set``,
item assignment, deleting, clearing) drops the array, to be built again from
the list. ``truncate`` cuts the array with the list.

``rows_tensor(batch, key)`` is ``ModelUtils.list_to_tensor(batch[key])``: for
a minibatch of the replay buffer whose field has not been read, it indexes the
rows out of the buffer's array instead. The same rows, the same tensor.

What the array cannot see: a row changed in place (``buffer[key][i][0] = x``).
Assign a new row instead (``buffer[key][i] = row``). Nothing to change here
unless you add a field that the optimizer reads as a tensor: read it with
``rows_tensor``.
"""

from collections import defaultdict
from typing import Any, SupportsIndex

import numpy as np
from mlagents.torch_utils import torch
from mlagents.trainers.buffer import (
    AgentBuffer,
    AgentBufferField,
    AgentBufferKey,
    BufferException,
    BufferKey,
)
from mlagents.trainers.torch_entities.agent_action import AgentAction

from .update_buffer import MiniBatch, UpdateBuffer, _sequence_rows


class ArrayField(AgentBufferField):
    """An ``AgentBufferField`` that also keeps its rows in one array (``as_array``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._array: np.ndarray | None = None  # rows 0 .. _converted - 1, then room
        self._converted = 0

    def as_array(self) -> np.ndarray:
        """Every row, as ``np.asanyarray(self)`` gives them, converting only new rows."""
        length = len(self)
        if self._array is None or not 0 < self._converted <= length:
            self._array = np.asanyarray(list.__getitem__(self, slice(None)))
            self._converted = length
        elif length > self._converted:
            new = np.asanyarray(list.__getitem__(self, slice(self._converted, length)))
            self._array = self._with_room_for(new, length)
            self._array[self._converted : length] = new
            self._converted = length
        return self._array[:length]

    def _with_room_for(self, new: np.ndarray, length: int) -> np.ndarray:
        """The array, grown (doubling) and upcast where ``new`` needs it."""
        old = self._array
        assert old is not None
        if old.shape[1:] != new.shape[1:]:
            raise BufferException(
                f"rows of shape {new.shape[1:]} appended to a field of rows of "
                f"shape {old.shape[1:]}: a replay buffer's field needs one shape"
            )
        dtype = np.result_type(old.dtype, new.dtype)
        if len(old) >= length and dtype == old.dtype:
            return old
        grown = np.empty((max(length, 2 * len(old)), *old.shape[1:]), dtype=dtype)
        grown[: self._converted] = old[: self._converted]
        return grown

    def drop_first(self, count: int) -> None:
        """Delete the first ``count`` rows, from the list and from the array."""
        if self._array is not None and count <= self._converted:
            self._array = self._array[count : self._converted]
            self._converted -= count
        else:
            self._array = None
        super().__delitem__(slice(0, count))

    def _forget_array(self) -> None:
        self._array = None
        self._converted = 0

    # Every change to the list but appending drops the array.
    def __setitem__(self, index: Any, value: Any) -> None:
        self._forget_array()
        super().__setitem__(index, value)

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        self._forget_array()
        super().__delitem__(index)

    def __imul__(self, count: SupportsIndex) -> "ArrayField":  # type: ignore[override]
        self._forget_array()
        return super().__imul__(count)

    def insert(self, index: SupportsIndex, value: Any) -> None:
        self._forget_array()
        super().insert(index, value)

    def pop(self, index: SupportsIndex = -1) -> Any:
        self._forget_array()
        return super().pop(index)

    def remove(self, value: Any) -> None:
        self._forget_array()
        super().remove(value)

    def clear(self) -> None:
        self._forget_array()
        super().clear()

    def reverse(self) -> None:
        self._forget_array()
        super().reverse()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._forget_array()
        super().sort(*args, **kwargs)


class ReplayBuffer(UpdateBuffer):
    """An ``UpdateBuffer`` whose fields are ``ArrayField``s and whose minibatches index them."""

    def __init__(self) -> None:
        super().__init__()
        if not isinstance(getattr(self, "_fields", None), defaultdict):
            raise BufferException(
                "this mlagents' AgentBuffer keeps no defaultdict of fields in "
                "_fields: replay_buffer.ReplayBuffer was written for mlagents 1.1.0"
            )
        fields: defaultdict[AgentBufferKey, AgentBufferField] = defaultdict(ArrayField)
        self._fields = fields

    def __setitem__(self, key: AgentBufferKey, value: AgentBufferField) -> None:
        # load_from_file (--resume) assigns plain fields: keep them as ArrayFields.
        if not isinstance(value, ArrayField):
            field = ArrayField(value)
            field.padding_value = getattr(value, "padding_value", 0)
            value = field
        super().__setitem__(key, value)

    def sample_mini_batch(
        self, batch_size: int, sequence_length: int = 1
    ) -> "ReplayMiniBatch":
        """``batch_size // sequence_length`` random whole sequences, as ``AgentBuffer``'s."""
        num_sequences = self.num_experiences // sequence_length
        starts = (
            np.random.randint(num_sequences, size=batch_size // sequence_length)
            * sequence_length
        )
        return ReplayMiniBatch(self, _sequence_rows(starts, sequence_length))

    def take(self, rows: list[int]) -> "ReplayMiniBatch":
        """A minibatch of the rows ``rows`` of every field, in that order."""
        return ReplayMiniBatch(self, rows)

    def truncate(self, max_length: int, sequence_length: int = 1) -> None:
        """Keep the last ``max_length`` rows (whole sequences), as ``AgentBuffer``'s.

        The same rows as ``AgentBuffer.truncate``, cut from each array too, so
        a full buffer is not converted again after every truncation.
        """
        current_length = self.num_experiences
        max_length -= max_length % sequence_length
        if current_length > max_length:
            for key in list(self.keys()):
                field = self[key]
                if isinstance(field, ArrayField):
                    field.drop_first(current_length - max_length)
                else:
                    field[:] = field[current_length - max_length :]


class ReplayMiniBatch(MiniBatch):
    """A minibatch of a ``ReplayBuffer``: its fields' rows, also as arrays (``rows_array``)."""

    def __init__(self, source: ReplayBuffer, rows: list[int]) -> None:
        super().__init__(source, rows)
        self._source = source
        self._row_index = np.asarray(rows, dtype=np.intp)
        self._source_lengths = {key: len(field) for key, field in source.items()}
        # Keys read or written through this minibatch: their rows may differ
        # from the source's now, so they are converted from the minibatch.
        self._touched: set[AgentBufferKey] = set()

    def __getitem__(self, key: AgentBufferKey) -> AgentBufferField:
        self._touched.add(key)
        return super().__getitem__(key)

    def __setitem__(self, key: AgentBufferKey, value: AgentBufferField) -> None:
        self._touched.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: AgentBufferKey) -> None:
        self._touched.add(key)
        super().__delitem__(key)

    def rows_array(self, key: AgentBufferKey) -> np.ndarray:
        """``np.asanyarray(self[key])``, indexed out of the source's array when untouched."""
        field = self._source[key] if key in self._source else None
        if key in self._touched or not isinstance(field, ArrayField):
            return np.asanyarray(self[key])
        if len(field) != self._source_lengths[key]:
            raise BufferException(
                f"the update buffer changed after this minibatch was sampled "
                f"(field {key} has {len(field)} rows): read a minibatch "
                "before the buffer changes"
            )
        return field.as_array()[self._row_index]


def rows_tensor(
    batch: AgentBuffer, key: AgentBufferKey, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """``ModelUtils.list_to_tensor(batch[key], dtype)``, from the arrays where it can."""
    if isinstance(batch, ReplayMiniBatch):
        return torch.as_tensor(batch.rows_array(key), dtype=dtype)
    return torch.as_tensor(np.asanyarray(batch[key]), dtype=dtype)


def actions_from(batch: AgentBuffer) -> AgentAction:
    """``AgentAction.from_buffer(batch)``, its tensors made by ``rows_tensor``."""
    continuous = discrete = None
    if BufferKey.CONTINUOUS_ACTION in batch:
        continuous = rows_tensor(batch, BufferKey.CONTINUOUS_ACTION)
    if BufferKey.DISCRETE_ACTION in batch:
        branches = rows_tensor(batch, BufferKey.DISCRETE_ACTION, dtype=torch.long)
        discrete = [branches[..., i] for i in range(branches.shape[-1])]
    return AgentAction(continuous, discrete)  # type: ignore[arg-type]
