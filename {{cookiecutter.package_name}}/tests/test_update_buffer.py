"""``UpdateBuffer`` samples and shuffles exactly as ML-Agents' ``AgentBuffer``.

The trainer's update buffer takes rows faster than ``AgentBuffer``; from the
same state of ``np.random`` it must return the same rows in the same order, in
every field, with whole sequences for recurrent networks (and drop a shuffled
buffer's last, partial sequence, as ``AgentBuffer.shuffle`` does). Shuffled
row numbers, taken from the unshuffled buffer, must give those rows too.
A minibatch takes each field's rows when the field is first read, and is an
``AgentBuffer`` in every other way.
"""

import numpy as np
import pytest
from mlagents.trainers.buffer import AgentBuffer, BufferException, BufferKey
from mlagents.trainers.trajectory import ObsUtil

from {{ cookiecutter.package_name }}.update_buffer import UpdateBuffer, shuffled_rows


def filled(buffer: AgentBuffer, n: int) -> AgentBuffer:
    """``n`` distinct rows: an observation array, an action, a float, an int."""
    for i in range(n):
        buffer[ObsUtil.get_name_at(0)].append(np.full(3, i, dtype=np.float32))
        buffer[BufferKey.CONTINUOUS_ACTION].append(np.array([-i], dtype=np.float32))
        buffer[BufferKey.ENVIRONMENT_REWARDS].append(0.5 * i)
        buffer[BufferKey.DONE].append(i % 7 == 0)
    return buffer


def rows(buffer: AgentBuffer) -> dict:
    return {
        key: [np.asarray(v).tolist() for v in field] for key, field in buffer.items()
    }


@pytest.mark.parametrize("sequence_length", [1, 4])
def test_sample_mini_batch_takes_agentbuffers_rows(sequence_length: int) -> None:
    ours, theirs = filled(UpdateBuffer(), 50), filled(AgentBuffer(), 50)
    np.random.seed(3)
    sampled = [ours.sample_mini_batch(16, sequence_length) for _ in range(2)]
    np.random.seed(3)
    expected = [theirs.sample_mini_batch(16, sequence_length) for _ in range(2)]
    assert sampled[0].num_experiences == 16
    # The second samples agree too: both used up the same random draws.
    assert [rows(b) for b in sampled] == [rows(b) for b in expected]


@pytest.mark.parametrize("sequence_length", [1, 4])
def test_shuffle_reorders_like_agentbuffer(sequence_length: int) -> None:
    ours, theirs = filled(UpdateBuffer(), 50), filled(AgentBuffer(), 50)
    np.random.seed(5)
    ours.shuffle(sequence_length)
    np.random.seed(5)
    theirs.shuffle(sequence_length)
    assert rows(ours) == rows(theirs)
    # 50 rows: with sequences of 4, the last 2 rows are dropped.
    assert ours.num_experiences == 50 - 50 % sequence_length
    # Rows stay whole: each observation still matches its action.
    obs = np.ravel([o[0] for o in ours[ObsUtil.get_name_at(0)]])
    actions = np.ravel(ours[BufferKey.CONTINUOUS_ACTION])
    assert obs.tolist() == (-actions).tolist()


def test_shuffle_and_row_numbers_reject_fields_of_different_lengths() -> None:
    buffer = filled(UpdateBuffer(), 10)
    buffer[BufferKey.MASKS].append(1.0)
    with pytest.raises(Exception, match="same length"):
        buffer.shuffle(1)
    with pytest.raises(Exception, match="same length"):
        buffer.row_numbers()


@pytest.mark.parametrize("sequence_length", [1, 4])
def test_shuffled_row_numbers_take_the_rows_of_a_shuffled_buffer(
    sequence_length: int,
) -> None:
    # Epoch after epoch: the trainer shuffles row numbers, ML-Agents the buffer.
    ours, theirs = filled(UpdateBuffer(), 50), filled(AgentBuffer(), 50)
    order = ours.row_numbers()
    np.random.seed(7)
    for _ in range(3):
        order = shuffled_rows(order, sequence_length)
    np.random.seed(7)
    for _ in range(3):
        theirs.shuffle(sequence_length)
    assert rows(ours.take(order.tolist())) == rows(theirs)


def test_a_minibatch_takes_a_field_when_it_is_read() -> None:
    buffer = filled(UpdateBuffer(), 20)
    batch = buffer.take([3, 1, 4])
    # Changing the buffer after sampling: a field read before keeps its rows ...
    assert list(batch[BufferKey.ENVIRONMENT_REWARDS]) == [1.5, 0.5, 2.0]
    buffer.truncate(10)
    assert list(batch[BufferKey.ENVIRONMENT_REWARDS]) == [1.5, 0.5, 2.0]
    # ... a field first read now would be other rows: that is an error, not a guess.
    with pytest.raises(BufferException, match="changed after this minibatch"):
        batch[BufferKey.DONE]


def test_a_minibatch_is_an_agentbuffer_in_every_other_way() -> None:
    ours, theirs = filled(UpdateBuffer(), 20), filled(AgentBuffer(), 20)
    np.random.seed(11)
    batch = ours.sample_mini_batch(8)
    np.random.seed(11)
    expected = theirs.sample_mini_batch(8)
    assert list(batch) == list(expected) and len(batch) == len(expected)
    assert BufferKey.DONE in batch and BufferKey.MASKS not in batch
    assert batch.num_experiences == 8 and batch.check_length(list(batch))
    assert rows(batch.make_mini_batch(2, 5)) == rows(expected.make_mini_batch(2, 5))
    # As a defaultdict: reading a new key adds an empty field, as reward signals do.
    batch[BufferKey.MASKS].extend([1.0] * 8)
    batch[BufferKey.ADVANTAGES] = batch[BufferKey.MASKS]
    del batch[BufferKey.DONE]
    expected[BufferKey.MASKS].extend([1.0] * 8)
    expected[BufferKey.ADVANTAGES] = expected[BufferKey.MASKS]
    del expected[BufferKey.DONE]
    assert rows(batch) == rows(expected)
    assert list(batch[BufferKey.DONE]) == [] and BufferKey.DONE in batch
