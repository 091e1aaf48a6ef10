"""``ReplayBuffer`` gives the tensors ML-Agents' ``AgentBuffer`` would, from arrays.

Each field keeps its rows in an array beside the list; whatever changes the
list, the array must hold the same rows, or be built again. A minibatch's
``rows_tensor`` must equal ``ModelUtils.list_to_tensor`` of the same minibatch
sampled from an ``AgentBuffer`` with the same random draws, except where the
minibatch itself was written to, and it must refuse rows of a buffer that
changed after sampling. A recurrent update starts each sequence from the
memory stored at its first row.
"""

import io
from collections.abc import Callable

import numpy as np
import pytest
import torch
from mlagents.trainers.buffer import (
    AgentBuffer,
    AgentBufferField,
    BufferException,
    BufferKey,
)
from mlagents.trainers.torch_entities.agent_action import AgentAction
from mlagents.trainers.torch_entities.utils import ModelUtils
from mlagents.trainers.trajectory import ObsUtil

from {{ cookiecutter.package_name }}.optimizer import _sequence_starts
from {{ cookiecutter.package_name }}.replay_buffer import (
    ArrayField,
    ReplayBuffer,
    actions_from,
    rows_tensor,
)

KEYS_AND_DTYPES = [
    (ObsUtil.get_name_at(0), torch.float32),
    (ObsUtil.get_name_at_next(0), torch.float32),
    (BufferKey.CONTINUOUS_ACTION, torch.float32),
    (BufferKey.DISCRETE_ACTION, torch.long),
    (BufferKey.ENVIRONMENT_REWARDS, torch.float32),
    (BufferKey.DONE, torch.float32),
    (BufferKey.MASKS, torch.bool),
    (BufferKey.MEMORY, torch.float32),
]


def filled(buffer: AgentBuffer, start: int, stop: int) -> AgentBuffer:
    """Rows ``start`` .. ``stop - 1``, each distinct, typed as a trajectory's are."""
    for i in range(start, stop):
        buffer[ObsUtil.get_name_at(0)].append(np.full(3, i, dtype=np.float32))
        buffer[ObsUtil.get_name_at_next(0)].append(np.full(3, i + 1, dtype=np.float32))
        buffer[BufferKey.CONTINUOUS_ACTION].append(np.array([-i], dtype=np.float32))
        buffer[BufferKey.DISCRETE_ACTION].append(np.array([i % 3, i % 2]))
        buffer[BufferKey.ENVIRONMENT_REWARDS].append(np.float32(0.5 * i))
        buffer[BufferKey.DONE].append(i % 7 == 0)
        buffer[BufferKey.MASKS].append(1.0 if i % 5 else 0.0)
        buffer[BufferKey.MEMORY].append(np.arange(4, dtype=np.float32) + i)
    return buffer


def read_all_arrays(buffer: ReplayBuffer) -> None:
    for field in buffer.values():
        assert isinstance(field, ArrayField)
        field.as_array()


def assert_same_array(field: ArrayField) -> None:
    expected = np.asanyarray(list(field))
    actual = field.as_array()
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    assert np.array_equal(actual, expected)


CHANGES: dict[str, Callable[[ArrayField], object]] = {
    "append": lambda f: f.append(np.full(3, 100.0, dtype=np.float32)),
    "extend": lambda f: f.extend([np.full(3, 101.0, dtype=np.float32)] * 3),
    "set": lambda f: f.set([np.full(3, 7.0, dtype=np.float32)] * 4),
    "item": lambda f: f.__setitem__(2, np.full(3, -1.0, dtype=np.float32)),
    "slice": lambda f: f.__setitem__(slice(1, 3), [np.zeros(3, np.float32)]),
    "delete": lambda f: f.__delitem__(0),
    "pop": lambda f: f.pop(),
    "insert": lambda f: f.insert(1, np.full(3, 9.0, dtype=np.float32)),
    "reverse": lambda f: f.reverse(),
    "repeat": lambda f: f.__imul__(2),
    "reset_field": lambda f: f.reset_field(),
    "drop_first": lambda f: f.drop_first(2),
    "widen dtype": lambda f: f.append(np.full(3, 0.25, dtype=np.float64)),
}


@pytest.mark.parametrize("read_between", [True, False], ids=["read", "unread"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_the_array_holds_the_lists_rows_after_any_change(
    change: str, read_between: bool
) -> None:
    buffer = filled(ReplayBuffer(), 0, 6)
    field = buffer[ObsUtil.get_name_at(0)]
    assert isinstance(field, ArrayField)
    assert_same_array(field)
    CHANGES[change](field)
    if read_between:
        assert_same_array(field)
    # Rows appended to the changed list: unread, a change that shortened the
    # list and these rows that lengthen it again must not pass for appends.
    field.extend([np.full(3, 50.0, dtype=np.float32)] * 2)
    assert_same_array(field)


def test_appended_rows_are_converted_into_the_same_array() -> None:
    field = filled(ReplayBuffer(), 0, 8)[BufferKey.DONE]
    assert isinstance(field, ArrayField)
    field.as_array()  # 8 rows, no room
    field.append(True)
    before = field.as_array()  # grown: 9 rows, room for 16
    field.extend([False, True])
    field.append(False)
    after = field.as_array()
    assert np.shares_memory(before, after)
    assert after.tolist() == [i % 7 == 0 for i in range(8)] + [True, False, True, False]


def test_truncate_keeps_agentbuffers_rows_and_the_arrays() -> None:
    ours, theirs = filled(ReplayBuffer(), 0, 40), filled(AgentBuffer(), 0, 40)
    read_all_arrays(ours)
    ours.truncate(25, sequence_length=4)  # 24 rows: whole sequences of 4
    theirs.truncate(25, sequence_length=4)
    assert ours.num_experiences == 24
    for key in theirs:
        assert_same_array(ours[key])
        assert np.array_equal(ours[key].as_array(), np.asanyarray(theirs[key]))
    filled(ours, 40, 45)
    filled(theirs, 40, 45)
    for key in theirs:
        assert np.array_equal(ours[key].as_array(), np.asanyarray(theirs[key]))


@pytest.mark.parametrize("sequence_length", [1, 4])
def test_a_minibatch_gives_agentbuffers_tensors(sequence_length: int) -> None:
    ours, theirs = filled(ReplayBuffer(), 0, 50), filled(AgentBuffer(), 0, 50)
    read_all_arrays(ours)
    filled(ours, 50, 60)  # rows not converted yet
    filled(theirs, 50, 60)
    np.random.seed(3)
    sampled = [ours.sample_mini_batch(16, sequence_length) for _ in range(2)]
    np.random.seed(3)
    expected = [theirs.sample_mini_batch(16, sequence_length) for _ in range(2)]
    for batch, other in zip(sampled, expected, strict=True):
        for key, dtype in KEYS_AND_DTYPES:
            tensor = rows_tensor(batch, key, dtype)
            reference = ModelUtils.list_to_tensor(other[key], dtype=dtype)
            assert tensor.dtype == reference.dtype and torch.equal(tensor, reference)
        actions, reference_actions = actions_from(batch), AgentAction.from_buffer(other)
        assert torch.equal(
            actions.continuous_tensor, reference_actions.continuous_tensor
        )
        assert torch.equal(actions.discrete_tensor, reference_actions.discrete_tensor)


def test_a_minibatch_reads_what_was_written_to_it() -> None:
    buffer = filled(ReplayBuffer(), 0, 20)
    batch = buffer.take([3, 1, 4])
    batch[BufferKey.DONE].set([True, True, True])  # in place, through a read
    batch[BufferKey.MASKS] = AgentBufferField([0.0, 0.0, 1.0])  # a new field
    rewards = np.array([7.0, 8.0, 9.0], dtype=np.float32)
    batch[BufferKey.ENVIRONMENT_REWARDS] = rewards  # as reward signals are set
    assert rows_tensor(batch, BufferKey.DONE).tolist() == [1.0, 1.0, 1.0]
    assert rows_tensor(batch, BufferKey.MASKS).tolist() == [0.0, 0.0, 1.0]
    assert rows_tensor(batch, BufferKey.ENVIRONMENT_REWARDS).tolist() == [7, 8, 9]
    # An untouched field is still the buffer's rows.
    assert rows_tensor(batch, BufferKey.CONTINUOUS_ACTION).tolist() == [
        [-3],
        [-1],
        [-4],
    ]


def test_a_minibatch_of_a_buffer_changed_since_is_an_error() -> None:
    buffer = filled(ReplayBuffer(), 0, 20)
    batch = buffer.sample_mini_batch(8)
    filled(buffer, 20, 21)
    with pytest.raises(BufferException, match="changed after this minibatch"):
        rows_tensor(batch, BufferKey.DONE)


def test_a_buffer_loaded_from_a_file_keeps_its_arrays() -> None:
    saved = filled(AgentBuffer(), 0, 12)
    file = io.BytesIO()
    saved.save_to_file(file)
    file.seek(0)
    loaded = ReplayBuffer()
    loaded.load_from_file(file)  # --resume with save_replay_buffer
    for key in saved:
        assert isinstance(loaded[key], ArrayField)
        assert np.array_equal(loaded[key].as_array(), np.asanyarray(saved[key]))
    batch = loaded.take([5, 0])
    assert rows_tensor(batch, BufferKey.MEMORY).tolist() == [
        [5.0, 6.0, 7.0, 8.0],
        [0.0, 1.0, 2.0, 3.0],
    ]


def test_a_recurrent_update_starts_each_sequence_from_its_first_memory() -> None:
    buffer = filled(ReplayBuffer(), 0, 40)
    batch = buffer.take(list(range(8, 16)) + list(range(28, 36)))  # 2 sequences of 8
    memories = _sequence_starts(batch, BufferKey.MEMORY, sequence_length=8)
    assert memories is not None and memories.shape == (1, 2, 4)
    assert memories[0, :, 0].tolist() == [8.0, 28.0]
    assert _sequence_starts(batch, BufferKey.ADVANTAGES, sequence_length=8) is None
