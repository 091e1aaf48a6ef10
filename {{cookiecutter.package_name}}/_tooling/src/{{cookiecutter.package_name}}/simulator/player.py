"""A stand-in for a Unity player build: serves a bundled simulator over ML-Agents' gRPC protocol.

``mlagents-learn`` launches it exactly as it launches a Unity build::

    mlagents-learn config/{{ cookiecutter.trainer_type }}_3DBall.yaml --run-id r \\
        --env "$(command -v {{ cookiecutter.distribution_name }}-player)"

It connects to the trainer's gRPC server as Unity does (communication API
1.5.0): the two-message initialization, then one ``Exchange`` per tick that has
something to report, terminal infos before decision infos, actions applied per
agent, side channels decoded into the simulator, and shutdown on status 400.
It never outlives its trainer: a broken connection, or the death of the process
that launched it or of the trainer above that, ends it within seconds, with one
line in its log file (``liveness.py`` has the portable checks). ``--env-args
--simulator NAME`` serves another ``BaseEnv`` from ``ENVIRONMENTS`` in
``__init__.py``. Nothing to change here unless your environment needs
discrete actions or visual observations.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

import grpc
import numpy as np
import psutil
from google.protobuf.internal.containers import RepeatedCompositeFieldContainer
from mlagents_envs.base_env import ActionTuple, BaseEnv, DecisionSteps, TerminalSteps
from mlagents_envs.communicator_objects.agent_info_pb2 import AgentInfoProto
from mlagents_envs.communicator_objects.brain_parameters_pb2 import (
    ActionSpecProto,
    BrainParametersProto,
)
from mlagents_envs.communicator_objects.capabilities_pb2 import UnityRLCapabilitiesProto
from mlagents_envs.communicator_objects.header_pb2 import HeaderProto
from mlagents_envs.communicator_objects.unity_message_pb2 import UnityMessageProto
from mlagents_envs.communicator_objects.unity_output_pb2 import UnityOutputProto
from mlagents_envs.communicator_objects.unity_rl_initialization_output_pb2 import (
    UnityRLInitializationOutputProto,
)
from mlagents_envs.communicator_objects.unity_to_external_pb2_grpc import (
    UnityToExternalProtoStub,
)

from . import ENVIRONMENTS
from .liveness import ancestors, first_gone, watch

COMMUNICATION_VERSION = "1.5.0"
PACKAGE_VERSION = "3.0.0"  # the com.unity.ml-agents release that speaks 1.5.0
STATUS_OK, STATUS_CLOSING = 200, 400
COMMAND_STEP, COMMAND_RESET, COMMAND_QUIT = 0, 1, 2
CONNECT_TIMEOUT_S = 60.0

log = logging.getLogger("player")


class PlayerExit(Exception):
    """Ends the player; the message is the one line written to the log."""

    def __init__(self, message: str, code: int, cut_off: bool = False) -> None:
        super().__init__(message)
        self.code = code
        # The connection broke after the trainer had connected (see ``main``).
        self.cut_off = cut_off


def build_parser() -> argparse.ArgumentParser:
    """The arguments mlagents_envs passes to a Unity build, plus our own."""
    parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.distribution_name }}-player",
        description=__doc__.splitlines()[0],
        epilog="mlagents-learn --env passes --mlagents-port and -logFile itself, "
        "and -nographics -batchmode with --no-graphics; other arguments a Unity "
        "build would take are logged and ignored.",
    )
    parser.add_argument(
        "--mlagents-port",
        type=int,
        default=None,
        metavar="PORT",
        help="the port of the trainer's gRPC server, which mlagents-learn --env "
        "passes (default: none, so the player stops with an error)",
    )
    parser.add_argument(
        "-logFile",
        "-logfile",
        dest="log_file",
        default=None,
        metavar="PATH",
        help="append the log to this file, as a Unity build does; mlagents-learn "
        "passes one in the run's run_logs folder (default: none, to stderr)",
    )
    parser.add_argument(
        "-nographics",
        action="store_true",
        help="accepted as a Unity build accepts it; the simulator draws nothing anyway",
    )
    parser.add_argument(
        "-batchmode",
        action="store_true",
        help="accepted as a Unity build accepts it; the player never waits for input",
    )
    parser.add_argument(
        "--simulator",
        default=next(iter(ENVIRONMENTS)),
        metavar="NAME",
        help=f"the bundled environment to serve: {', '.join(ENVIRONMENTS)}; from "
        "mlagents-learn, give it as --env-args --simulator NAME "
        "(default: %(default)s)",
    )
    return parser


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments mlagents_envs passes to a Unity build, plus our own."""
    args, unknown = build_parser().parse_known_args(list(argv))
    args.ignored = unknown
    return args


def _capabilities() -> UnityRLCapabilitiesProto:
    return UnityRLCapabilitiesProto(
        baseRLCapabilities=True,
        concatenatedPngObservations=True,
        compressedChannelMapping=True,
        hybridActions=True,
        trainingAnalytics=False,  # analytics would only be ignored here
        variableLengthObservation=True,
        multiAgentGroups=True,
    )


class Player:
    """Runs one environment for one trainer connection."""

    def __init__(self, stub: UnityToExternalProtoStub, simulator: str) -> None:
        self.stub = stub
        self.simulator = simulator
        self.env: BaseEnv | None = None
        self.sent_brains: set[str] = set()
        self.decision_agents: dict[str, np.ndarray] = {}
        self.connected = False

    def exchange(
        self, message: UnityMessageProto, timeout: float | None = None
    ) -> UnityMessageProto:
        try:
            reply = self.stub.Exchange(
                message, wait_for_ready=timeout is not None, timeout=timeout
            )
        except grpc.RpcError as error:
            raise PlayerExit(
                f"trainer connection lost: {error.code().name}", 1, self.connected
            ) from error
        self.connected = True
        if reply.header.status != STATUS_OK:
            raise PlayerExit("trainer closed the connection (status 400); exiting", 0)
        return reply

    def initialize(self) -> None:
        """U1/P1: versions, capabilities, seed and areas. U2/P2: side channels, reset."""
        hello = UnityMessageProto(
            header=HeaderProto(status=STATUS_OK),
            unity_output=UnityOutputProto(
                rl_initialization_output=UnityRLInitializationOutputProto(
                    name="AcademySingleton",
                    communication_version=COMMUNICATION_VERSION,
                    package_version=PACKAGE_VERSION,
                    capabilities=_capabilities(),
                )
            ),
        )
        init = self.exchange(
            hello, timeout=CONNECT_TIMEOUT_S
        ).unity_input.rl_initialization_input
        log.info(
            "connected: trainer %s (API %s), seed %d, %d area(s)",
            init.package_version,
            init.communication_version,
            init.seed,
            max(init.num_areas, 1),
        )
        self.env = ENVIRONMENTS[self.simulator](
            seed=init.seed, num_areas=max(init.num_areas, 1)
        )
        reply = self.exchange(UnityMessageProto(header=HeaderProto(status=STATUS_OK)))
        self.apply_input(reply, first=True)

    def apply_input(self, reply: UnityMessageProto, first: bool = False) -> None:
        """Side channels, then the command: RESET, QUIT, or actions and a STEP."""
        assert self.env is not None
        rl_input = reply.unity_input.rl_input
        receive = getattr(self.env, "receive_side_channel_bytes", None)
        if rl_input.side_channel and receive is not None:
            receive(bytes(rl_input.side_channel))
            log.info(
                "side channels: parameters %s, engine %s",
                self._parameters(),
                self._engine(),
            )
        if rl_input.command == COMMAND_QUIT:
            raise PlayerExit("trainer sent QUIT; exiting", 0)
        if first or rl_input.command == COMMAND_RESET:
            self.env.reset()
            return
        for name, agents in self.decision_agents.items():
            entries = (
                rl_input.agent_actions[name].value
                if name in rl_input.agent_actions
                else []
            )
            if len(agents) == 0:
                continue
            size = self.env.behavior_specs[name].action_spec.continuous_size
            actions = np.zeros((len(agents), size), dtype=np.float32)
            received = [
                list(entry.continuous_actions) for entry in entries[: len(agents)]
            ]
            if received:
                actions[: len(received)] = received
            self.env.set_actions(name, ActionTuple(continuous=actions))
        self.env.step()

    def output(self) -> UnityMessageProto:
        """Agent infos for this tick: terminal infos first, then decisions."""
        assert self.env is not None
        out = UnityOutputProto()
        self.decision_agents = {}
        for name, spec in self.env.behavior_specs.items():
            decisions, terminals = self.env.get_steps(name)
            infos = out.rl_output.agentInfos[name].value
            _add_agent_infos(infos, terminals, spec.observation_specs, done=True)
            _add_agent_infos(infos, decisions, spec.observation_specs, done=False)
            self.decision_agents[name] = decisions.agent_id
            if name not in self.sent_brains and len(infos) > 0:
                self.sent_brains.add(name)
                out.rl_initialization_output.brain_parameters.append(
                    BrainParametersProto(
                        brain_name=name,
                        is_training=True,
                        action_spec=ActionSpecProto(
                            num_continuous_actions=spec.action_spec.continuous_size,
                            num_discrete_actions=len(
                                spec.action_spec.discrete_branches
                            ),
                            discrete_branch_sizes=list(
                                spec.action_spec.discrete_branches
                            ),
                        ),
                    )
                )
        return UnityMessageProto(header=HeaderProto(status=STATUS_OK), unity_output=out)

    def run(self) -> None:
        self.initialize()
        while True:
            self.apply_input(self.exchange(self.output()))

    def _parameters(self) -> dict:
        return dict(getattr(self.env, "environment_parameters", {}))

    def _engine(self) -> dict:
        receiver = getattr(self.env, "side_channel_receiver", None)
        return dict(receiver.engine_config) if receiver is not None else {}


def _add_agent_infos(
    infos: "RepeatedCompositeFieldContainer[AgentInfoProto]",
    steps: DecisionSteps | TerminalSteps,
    observation_specs: list,
    done: bool,
) -> None:
    """Append one ``AgentInfoProto`` per agent, filled in place.

    Protobuf runs in pure Python here (no 3.11 wheel of protobuf 3.20 has the C++
    extension), so messages are built with ``add()`` rather than constructed and
    copied in: that halves the cost of a 12-agent message.
    """
    if len(steps.agent_id) == 0:
        return
    interrupted = getattr(steps, "interrupted", None)
    rewards = steps.reward.tolist()
    group_ids, group_rewards = steps.group_id.tolist(), steps.group_reward.tolist()
    observations = [obs.reshape(len(steps.agent_id), -1).tolist() for obs in steps.obs]
    for i, agent_id in enumerate(steps.agent_id.tolist()):
        info = infos.add()
        info.reward = rewards[i]
        info.done = done
        info.max_step_reached = (
            bool(interrupted[i]) if interrupted is not None else False
        )
        info.id = agent_id
        # Agents of a SimpleMultiAgentGroup: the group (0 = none) and its reward.
        info.group_id = group_ids[i]
        info.group_reward = group_rewards[i]
        for values, spec in zip(observations, observation_specs, strict=True):
            observation = info.observations.add()
            observation.shape.extend(spec.shape)
            observation.float_data.data.extend(values[i])
            observation.dimension_properties.extend(
                int(p) for p in spec.dimension_property
            )
            observation.observation_type = int(spec.observation_type.value)
            observation.name = spec.name


def log_exit(done: PlayerExit, trainer: Sequence[psutil.Process]) -> int:
    """Write the player's last log line for ``done``; return its exit code."""
    if done.cut_off and first_gone(trainer) is None:
        # mlagents_envs' RpcCommunicator.close() sends status 400, then stops
        # its server with no grace period, which can cut that last reply off.
        # With every trainer process alive, a cut-off is that close.
        log.info("trainer closed the connection (its server stopped); exiting")
        return 0
    (log.info if done.code == 0 else log.error)("%s", done)
    return done.code


def _exit_orphaned(gone: psutil.Process) -> None:
    log.error("trainer process %d is gone; exiting", gone.pid)
    logging.shutdown()
    os._exit(1)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    handler = (
        logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler()
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s player[%(process)d] %(levelname)s %(message)s")
    )
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    if args.mlagents_port is None:
        log.error(
            "no --mlagents-port given: nothing to connect to (launch me with mlagents-learn --env)"
        )
        return 2
    if args.simulator not in ENVIRONMENTS:
        log.error(
            "unknown --simulator %r; bundled: %s",
            args.simulator,
            ", ".join(ENVIRONMENTS),
        )
        return 2
    if args.ignored:
        log.info("ignoring arguments %s", args.ignored)
    # The process that launched us (an mlagents-learn environment worker, which
    # can linger after its trainer is killed) and the trainer above it.
    watched = ancestors(levels=2)
    log.info("watching trainer processes %s", [p.pid for p in watched])
    watch(watched, _exit_orphaned)
    channel = grpc.insecure_channel(f"localhost:{args.mlagents_port}")
    log.info("serving %s on port %d", args.simulator, args.mlagents_port)
    try:
        Player(UnityToExternalProtoStub(channel), args.simulator).run()
    except PlayerExit as done:
        return log_exit(done, watched)
    except Exception as error:  # one clear line, not a traceback
        log.error("player failed: %s: %s", type(error).__name__, error)
        return 1
    finally:
        channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
