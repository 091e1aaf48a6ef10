"""ONNX export that works with every torch this package supports.

ML-Agents exports the policy to ``.onnx`` at every checkpoint and at the end of
training. From torch 2.9, ``torch.onnx.export`` defaults to the dynamo exporter,
which needs ``onnxscript`` (and protobuf >= 4, which ML-Agents cannot use), so
the export crashes. Here the trainer's own model saver exports with the legacy
TorchScript exporter (``dynamo=False``) instead. Nothing global is patched:
built-in trainers in the same run are unaffected. Nothing to change here.
"""

import inspect
import warnings

from mlagents.torch_utils import torch
from mlagents.trainers.model_saver.torch_model_saver import TorchModelSaver
from mlagents.trainers.optimizer.torch_optimizer import TorchOptimizer
from mlagents.trainers.policy.torch_policy import TorchPolicy
from mlagents.trainers.settings import SerializationSettings
from mlagents.trainers.torch_entities.model_serialization import (
    ModelSerializer,
    exporting_to_onnx,
)
from mlagents_envs.logging_util import get_logger

logger = get_logger(__name__)

_HAS_DYNAMO_FLAG = "dynamo" in inspect.signature(torch.onnx.export).parameters


class LegacyOnnxSerializer(ModelSerializer):
    """ML-Agents' serializer, forced onto torch's legacy (TorchScript) exporter."""

    def export_policy_model(self, output_filepath: str) -> None:
        onnx_path = f"{output_filepath}.onnx"
        extra = {"dynamo": False} if _HAS_DYNAMO_FLAG else {}
        with exporting_to_onnx(), warnings.catch_warnings():
            # The legacy exporter warns that it is deprecated; it is what Unity's
            # Sentis/Barracuda importers are tested against (opset 9).
            warnings.simplefilter("ignore", category=DeprecationWarning)
            warnings.simplefilter("ignore", category=FutureWarning)
            warnings.simplefilter("ignore", category=UserWarning)
            torch.onnx.export(
                self.policy.actor,
                self.dummy_input,
                onnx_path,
                opset_version=SerializationSettings.onnx_opset,
                input_names=self.input_names,
                output_names=self.output_names,
                dynamic_axes=self.dynamic_axes,
                **extra,
            )
        logger.info(f"Exported {onnx_path}")


class OnnxSafeModelSaver(TorchModelSaver):
    """``TorchModelSaver`` whose exporter is a ``LegacyOnnxSerializer``."""

    exporter: ModelSerializer | None

    def register(self, module: TorchPolicy | TorchOptimizer) -> None:
        super().register(module)
        if self.policy is not None and not isinstance(
            self.exporter, LegacyOnnxSerializer
        ):
            self.exporter = LegacyOnnxSerializer(self.policy)
