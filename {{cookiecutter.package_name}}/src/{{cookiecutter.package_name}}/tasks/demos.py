"""Record a scripted expert on a battery task to a ``.demo`` file, as Unity's recorder would.

GAIL and ``behavioral_cloning`` learn from demonstrations. Unity writes them
with its Demonstration Recorder; here an expert function plays the task and
ML-Agents' own ``write_demo`` writes what it did, in the same protobuf format
(one ``AgentInfoActionPairProto`` per decision, the episode's last one marked
done), so ``mlagents-learn`` reads it exactly as it reads a Unity recording.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np
from mlagents.trainers.demo_loader import write_demo
from mlagents_envs.base_env import ActionTuple
from mlagents_envs.communicator_objects.agent_action_pb2 import AgentActionProto
from mlagents_envs.communicator_objects.agent_info_action_pair_pb2 import (
    AgentInfoActionPairProto,
)
from mlagents_envs.communicator_objects.agent_info_pb2 import AgentInfoProto
from mlagents_envs.communicator_objects.brain_parameters_pb2 import (
    ActionSpecProto,
    BrainParametersProto,
)
from mlagents_envs.communicator_objects.demonstration_meta_pb2 import (
    DemonstrationMetaProto,
)
from mlagents_envs.communicator_objects.observation_pb2 import (
    NONE,
    ObservationProto,
)

from .base import AgentTask

Expert = Callable[[AgentTask, int], ActionTuple]
"""Given the task and an agent, the action the expert takes (a batch of one)."""


def record_demonstration(
    task: AgentTask, expert: Expert, episodes: int, path: Path
) -> Path:
    """Play ``episodes`` episodes with ``expert``; write agent 0's to ``path``.

    Every agent follows the expert (so masks hold for all); only agent 0 is recorded.
    """
    spec = task.action_spec
    pairs: list[AgentInfoActionPairProto] = []
    task.reset()
    returns: list[float] = []
    episode_return, reward = 0.0, 0.0
    while len(returns) < episodes:
        actions = [expert(task, agent) for agent in range(task.n_agents)]
        pairs.append(_pair(task, task.observe(0), reward, False, actions[0]))
        task.set_actions(task.behavior_name, _batch(actions))
        task.step()
        decisions, terminal = task.get_steps(task.behavior_name)
        ended = list(terminal.agent_id).index(0) if 0 in terminal.agent_id else None
        if ended is None:
            reward = float(decisions.reward[0])
            episode_return += reward
            continue
        final_obs = [obs[ended] for obs in terminal.obs]
        final_reward = float(terminal.reward[ended])
        pairs.append(_pair(task, final_obs, final_reward, True, actions[0]))
        returns.append(episode_return + final_reward)
        episode_return, reward = 0.0, 0.0
    meta = DemonstrationMetaProto(
        api_version=1,
        demonstration_name=path.stem,
        number_steps=len(pairs),
        number_episodes=episodes,
        mean_reward=float(np.mean(returns)),
    )
    brain = BrainParametersProto(
        brain_name=task.behavior_name,
        is_training=True,
        action_spec=ActionSpecProto(
            num_continuous_actions=spec.continuous_size,
            num_discrete_actions=len(spec.discrete_branches),
            discrete_branch_sizes=list(spec.discrete_branches),
        ),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_demo(str(path), meta, brain, pairs)
    return path


def _pair(
    task: AgentTask,
    observations: list[np.ndarray],
    reward: float,
    done: bool,
    action: ActionTuple,
) -> AgentInfoActionPairProto:
    info = AgentInfoProto(reward=reward, done=done, max_step_reached=False, id=0)
    for obs, spec in zip(observations, task.observation_specs, strict=True):
        proto = ObservationProto(
            shape=list(obs.shape),
            compression_type=NONE,
            dimension_properties=[p.value for p in spec.dimension_property],
            observation_type=spec.observation_type.value,
            name=spec.name,
        )
        proto.float_data.data.extend(obs.ravel().tolist())
        info.observations.append(proto)
    act = AgentActionProto(
        continuous_actions=action.continuous[0].tolist(),
        discrete_actions=action.discrete[0].tolist(),
    )
    return AgentInfoActionPairProto(agent_info=info, action_info=act)


def _batch(actions: list[ActionTuple]) -> ActionTuple:
    """One action per agent -> one batch for the task."""
    return ActionTuple(
        continuous=np.concatenate([a.continuous for a in actions]),
        discrete=np.concatenate([a.discrete for a in actions]),
    )
