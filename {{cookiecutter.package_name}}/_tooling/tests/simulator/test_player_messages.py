"""What the stand-in player sends is what ML-Agents reads back, groups included.

The player turns an environment's ``DecisionSteps``/``TerminalSteps`` into
``AgentInfoProto`` messages; ``mlagents_envs.rpc_utils.steps_from_proto`` is
how the trainer side (``UnityEnvironment``) reads them. A round trip through
both must keep rewards, agent ids, ``interrupted``, and the group id and group
reward of agents in a ``SimpleMultiAgentGroup``.
"""

import numpy as np
from mlagents_envs.base_env import (
    ActionSpec,
    BehaviorSpec,
    DecisionSteps,
    DimensionProperty,
    ObservationSpec,
    ObservationType,
    TerminalSteps,
)
from mlagents_envs.communicator_objects.unity_rl_output_pb2 import UnityRLOutputProto
from mlagents_envs.rpc_utils import steps_from_proto

from {{ cookiecutter.package_name }}.simulator.player import _add_agent_infos

OBS = ObservationSpec((2,), (DimensionProperty.NONE,), ObservationType.DEFAULT, "x")
SPEC = BehaviorSpec([OBS], ActionSpec.create_discrete((3,)))


def round_trip(
    decisions: DecisionSteps, terminals: TerminalSteps
) -> tuple[DecisionSteps, TerminalSteps]:
    infos = UnityRLOutputProto.ListAgentInfoProto()
    _add_agent_infos(infos.value, decisions, [OBS], done=False)
    _add_agent_infos(infos.value, terminals, [OBS], done=True)
    return steps_from_proto(infos.value, SPEC)  # type: ignore[no-any-return]


def test_group_ids_and_group_rewards_survive_the_round_trip() -> None:
    obs = [np.arange(6, dtype=np.float32).reshape(3, 2)]
    decisions = DecisionSteps(
        obs,
        np.array([0.5, -0.1, 0.0], np.float32),
        np.array([7, 8, 9], np.int32),
        None,
        np.array([1, 1, 2], np.int32),
        np.array([0.0, 0.0, 0.25], np.float32),
    )
    terminals = TerminalSteps(
        [np.ones((1, 2), np.float32)],
        np.array([-0.1], np.float32),
        np.array([True]),
        np.array([4], np.int32),
        np.array([2], np.int32),
        np.array([1.0], np.float32),
    )
    got_decisions, got_terminals = round_trip(decisions, terminals)
    for got, sent in ((got_decisions, decisions), (got_terminals, terminals)):
        np.testing.assert_array_equal(got.agent_id, sent.agent_id)
        np.testing.assert_allclose(got.reward, sent.reward)
        np.testing.assert_array_equal(got.group_id, sent.group_id)
        np.testing.assert_allclose(got.group_reward, sent.group_reward)
        np.testing.assert_allclose(got.obs[0], sent.obs[0])
    assert got_terminals.interrupted.tolist() == [True]
