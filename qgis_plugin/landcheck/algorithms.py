"""The algorithms ``check``, ``compare`` and ``avoid``: landcheck's commands as Processing tools.

Each one turns its parameters into a ``landcheck`` command line (layers of the
project as file paths, see :mod:`.inputs`), runs it in a subprocess (progress
and messages go to the Processing feedback; cancelling stops it, see
:mod:`.runner`), and has Processing load the GeoPackage layers it wrote,
styled (see :mod:`.outputs`).

=========  =============================  ==========================================
algorithm  command                        loaded layers
=========  =============================  ==========================================
check      ``landcheck check``            landcheck.gpkg: sites, findings, overlaps…
compare    ``landcheck select compare``   comparison.gpkg: alternatives, context_<key>
avoid      ``landcheck select avoid``     avoidance.gpkg: kept, lost, dropped, original
=========  =============================  ==========================================
"""

from __future__ import annotations

import os
import shlex

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputHtml,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsVectorLayer,
)

from .environment import EnvironmentProblem, LayerKey, check_options, subprocess_environment
from .inputs import source_argument
from .outputs import feature_layers, load_on_completion
from .runner import STOP_GRACE_S, ProgressTracker, run_streaming
from .settings import default_profile, landcheck_executable
from .styles import apply_style, load_stored_style

__all__ = ["AvoidAlgorithm", "CheckAlgorithm", "CompareAlgorithm", "LandcheckAlgorithm"]

STAGES = (
    ("preexam", "preexam — 用地预审 (pre-examination and site selection)"),
    ("approval", "approval — 用地审批 (land-use approval)"),
)
"""``--stage`` values and their labels, in the order of the STAGE parameter."""

LANGUAGES = (("zh", "中文"), ("en", "English"))


class LandcheckAlgorithm(QgsProcessingAlgorithm):
    """What the three algorithms share: layer parameters, running landcheck, loading results."""

    RESERVED = frozenset()
    """Parameter names of the algorithm itself (a layer key may not take them)."""

    def __init__(self, layer_keys: tuple[LayerKey, ...]) -> None:
        super().__init__()
        self.layer_keys = layer_keys

    def createInstance(self):  # the name QGIS calls
        """A fresh copy for one run."""
        return type(self)(self.layer_keys)

    def groupId(self) -> str:  # the name QGIS calls
        """The toolbox group."""
        return "selection" if self.name() != "check" else "preexamination"

    def group(self) -> str:
        """The toolbox group's title."""
        return "Site selection (选址)" if self.name() != "check" else "Pre-examination (预审)"

    def flags(self):
        """Cancellable; not in-place."""
        return super().flags() | QgsProcessingAlgorithm.FlagCanCancel

    # --- parameters -------------------------------------------------------------------------

    def layer_parameter(self, layer: LayerKey) -> str:
        """The parameter name of a layer key: ``FARMLAND``, or ``LAYER_<KEY>`` on a clash."""
        name = layer.parameter
        return f"LAYER_{name}" if name in self.RESERVED else name

    def add_layer_parameters(self) -> None:
        """One optional vector-layer parameter per layer key of the profile."""
        for layer in self.layer_keys:
            self.addParameter(
                QgsProcessingParameterFeatureSource(
                    self.layer_parameter(layer),
                    f"{layer.title_zh} · {layer.title_en} [{layer.key}]",
                    [QgsProcessing.TypeVectorAnyGeometry],
                    optional=True,
                )
            )

    def add_common_parameters(self, sites: str, sites_label: str) -> None:
        """Sites, layer keys, profile, index table, id field and width, in that order."""
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                sites, sites_label, [QgsProcessing.TypeVectorAnyGeometry]
            )
        )
        self.add_layer_parameters()
        self.addParameter(
            QgsProcessingParameterFile(
                "PROFILE",
                "Profile (YAML file; empty: the provider's, by default the built-in china-preexam)",
                optional=True,
                fileFilter="landcheck profile (*.yaml *.yml)",
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                "STANDARDS_TABLE",
                "Land-use standard index table (CSV; empty: the profile's, if it names one)",
                optional=True,
                fileFilter="index table (*.csv)",
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                "ID_FIELD",
                "Site id field (empty: found by name)",
                parentLayerParameterName=sites,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "WIDTH",
                "Corridor width of line sites, metres (0: none)",
                QgsProcessingParameterNumber.Double,
                defaultValue=0.0,
                minValue=0.0,
            )
        )

    def add_output_parameters(self) -> None:
        """Overwrite switch and the output folder."""
        self.addParameter(
            QgsProcessingParameterBoolean(
                "OVERWRITE",
                "Replace the output folder if it holds an earlier result",
                defaultValue=False,
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))

    # --- arguments --------------------------------------------------------------------------

    def common_arguments(
        self,
        parameters: dict,
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        sites: str,
    ) -> list[str]:
        """Sites path, ``--layer`` options, profile, ``--standards-table``, id field and width."""
        site_path = source_argument(self, parameters, sites, context, feedback, "sites")
        arguments = [site_path]
        for layer in self.layer_keys:
            name = self.layer_parameter(layer)
            path = source_argument(self, parameters, name, context, feedback, layer.key)
            if path is not None:
                arguments += ["--layer", f"{layer.key}={path}"]
        profile = self.parameterAsFile(parameters, "PROFILE", context) or default_profile()
        arguments += ["--profile", profile]
        table = self.parameterAsFile(parameters, "STANDARDS_TABLE", context)
        if table:
            arguments += ["--standards-table", table]
        id_field = self.parameterAsFields(parameters, "ID_FIELD", context)
        if id_field:
            arguments += ["--id-field", id_field[0]]
        width = self.parameterAsDouble(parameters, "WIDTH", context)
        if width > 0:
            arguments += ["--width", repr(width)]
        return arguments

    def output_arguments(
        self, parameters: dict, context: QgsProcessingContext, marker: str
    ) -> tuple[str, list[str]]:
        """The output folder and ``-o DIR [--overwrite]``.

        landcheck writes the whole folder and replaces an existing one only with
        ``--overwrite``. An existing empty folder is removed first (landcheck
        creates it again); one holding ``marker`` (an earlier result of this
        tool) is replaced when OVERWRITE is ticked; any other is refused.
        """
        folder = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if not folder:
            raise QgsProcessingException("choose an output folder")
        folder = os.path.abspath(folder)
        arguments = ["-o", folder]
        if os.path.isdir(folder) and os.listdir(folder):
            if not os.path.exists(os.path.join(folder, marker)):
                raise QgsProcessingException(
                    f"the output folder {folder} is not empty and holds no earlier landcheck "
                    f"result ({marker}); landcheck replaces the whole folder, so choose a new "
                    "or empty folder"
                )
            if not self.parameterAsBoolean(parameters, "OVERWRITE", context):
                raise QgsProcessingException(
                    f"the output folder {folder} holds an earlier result; tick 'Replace the "
                    "output folder' or choose another folder"
                )
            arguments.append("--overwrite")
        elif os.path.lexists(folder):
            if not os.path.isdir(folder):
                raise QgsProcessingException(f"{folder} exists and is not a folder")
            try:
                os.rmdir(
                    folder
                )  # empty (e.g. made in the folder dialog): landcheck writes it whole
            except OSError as ex:
                raise QgsProcessingException(f"cannot use the output folder {folder}: {ex}") from ex
        else:
            os.makedirs(os.path.dirname(folder), exist_ok=True)
        return folder, arguments

    # --- running ----------------------------------------------------------------------------

    def executable(self) -> str:
        """The configured landcheck command."""
        try:
            return landcheck_executable()
        except EnvironmentProblem as ex:
            raise QgsProcessingException(str(ex)) from ex

    def run_landcheck(self, command: list[str], feedback: QgsProcessingFeedback) -> None:
        """Run landcheck, streaming its messages and progress to ``feedback``.

        Raises
        ------
        QgsProcessingException
            landcheck failed (its error message) or was cancelled.
        """
        feedback.pushCommandInfo(" ".join(shlex.quote(part) for part in command))
        tracker = ProgressTracker()

        def progress(stage: str, done: int, total: int) -> None:
            percent, text = tracker.update(stage, done, total)
            feedback.setProgressText(text)
            feedback.setProgress(percent)

        try:
            outcome = run_streaming(
                command,
                on_progress=progress,
                on_output=feedback.pushConsoleInfo,
                on_warning=feedback.pushWarning,
                on_error=lambda line: None,
                is_canceled=feedback.isCanceled,
                env=subprocess_environment(),
            )
        except OSError as ex:
            raise QgsProcessingException(f"cannot start {command[0]}: {ex}") from ex
        if outcome.killed:
            raise QgsProcessingException(
                f"cancelled: landcheck did not stop within {STOP_GRACE_S:.0f} s of the interrupt "
                "and was killed; a hidden folder starting with '.' may remain beside the output "
                "folder"
            )
        if outcome.canceled:
            raise QgsProcessingException("cancelled: landcheck was stopped, nothing was written")
        if feedback.isCanceled():
            feedback.pushWarning(
                "landcheck had finished before it could be stopped: its output is complete"
            )
        if outcome.returncode != 0:
            message = "; ".join(outcome.errors) or "no message (see the log above)"
            raise QgsProcessingException(f"landcheck failed (exit {outcome.returncode}): {message}")
        feedback.setProgress(100)

    def load_layers(
        self,
        context: QgsProcessingContext,
        gpkg: str,
        folder: str,
        feedback: QgsProcessingFeedback,
    ) -> dict[str, str]:
        """Have the GeoPackage's layers loaded, styled, in a group named after the folder."""
        kinds = {layer.key: layer.kind for layer in self.layer_keys}

        def style(layer: QgsVectorLayer, name: str) -> None:
            if not load_stored_style(layer):
                apply_style(layer, name, kinds)

        names = feature_layers(gpkg)
        feedback.pushInfo(f"{os.path.basename(gpkg)}: layers {', '.join(names)}")
        group = f"landcheck {self.name()}: {os.path.basename(folder)}"
        return load_on_completion(context, gpkg, names, group, style)


class CheckAlgorithm(LandcheckAlgorithm):
    """``landcheck check``: pre-examine sites against the profile's layers."""

    RESERVED = frozenset(
        {"SITES", "PROFILE", "ID_FIELD", "WIDTH", "STAGE", "LANG", "OVERWRITE", "OUTPUT"}
        | {"STANDARDS_TABLE"}
    )

    def name(self) -> str:
        """Algorithm id within the provider."""
        return "check"

    def displayName(self) -> str:  # the name QGIS calls
        """Title in the toolbox."""
        return "Check sites (用地预审)"

    def shortHelpString(self) -> str:  # the name QGIS calls
        """Help shown beside the dialog."""
        return (
            "Overlays project sites with permanent basic farmland, the ecological protection "
            "redline, the urban development boundary, planning zones and the land-use survey, "
            "and writes landcheck's report folder: findings.json, landcheck.gpkg, report.html, "
            "report.xlsx. The sites, findings and overlap pieces are loaded, styled.\n\n"
            "Layers from the project are passed as their files; a memory layer, a filtered "
            "layer or a selection is first written to a temporary GeoPackage (the log says so). "
            "A layer left empty is taken from the profile, or its checks are 'unknown'.\n\n"
            "Runs the landcheck of the environment set in Processing ▸ Options ▸ Providers ▸ "
            "landcheck. STAGE is passed as --stage when that landcheck has the option."
        )

    def initAlgorithm(self, config=None) -> None:  # the name QGIS calls
        """Declare parameters and outputs."""
        self.add_common_parameters("SITES", "Sites (用地范围)")
        self.addParameter(
            QgsProcessingParameterEnum(
                "STAGE", "Review stage", options=[label for _, label in STAGES], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "LANG",
                "Report language",
                options=[label for _, label in LANGUAGES],
                defaultValue=0,
            )
        )
        self.add_output_parameters()
        self.addOutput(QgsProcessingOutputFile("FINDINGS", "findings.json"))
        self.addOutput(QgsProcessingOutputFile("GEOPACKAGE", "landcheck.gpkg"))
        self.addOutput(QgsProcessingOutputHtml("REPORT", "report.html"))
        for name in ("sites", "findings", "overlaps"):
            self.addOutput(
                QgsProcessingOutputVectorLayer(
                    f"{name.upper()}_LAYER", f"{name} layer", QgsProcessing.TypeVectorPolygon
                )
            )

    def stage_arguments(
        self, parameters: dict, context: QgsProcessingContext, options: frozenset[str]
    ) -> list[str]:
        """``--stage S`` when landcheck has it; without it only preexam can be honoured."""
        stage = STAGES[self.parameterAsEnum(parameters, "STAGE", context)][0]
        if "--stage" in options:
            return ["--stage", stage]
        if stage != "preexam":
            raise QgsProcessingException(
                f"this landcheck has no --stage option, so the {stage} stage cannot be "
                "checked; update landcheck in its environment, or choose preexam"
            )
        return []

    def processAlgorithm(self, parameters, context, feedback):  # the name QGIS calls
        """Run ``landcheck check`` and have its layers loaded."""
        executable = self.executable()
        folder, output = self.output_arguments(parameters, context, "findings.json")
        try:
            options = check_options(executable)
        except EnvironmentProblem as ex:
            raise QgsProcessingException(str(ex)) from ex
        command = [
            executable,
            "check",
            *self.common_arguments(parameters, context, feedback, "SITES"),
            *self.stage_arguments(parameters, context, options),
            "--lang",
            LANGUAGES[self.parameterAsEnum(parameters, "LANG", context)][0],
            *output,
        ]
        if "--progress" in options:
            command += ["--progress", "json"]
        else:
            feedback.pushInfo("this landcheck reports no progress (no --progress option)")
        if "--stage" not in options:
            feedback.pushInfo("this landcheck has no --stage option: the preexam stage is checked")
        if feedback.isCanceled():
            return {}
        self.run_landcheck(command, feedback)
        results = {
            "OUTPUT": folder,
            "FINDINGS": os.path.join(folder, "findings.json"),
            "REPORT": os.path.join(folder, "report.html"),
        }
        gpkg = os.path.join(folder, "landcheck.gpkg")
        if os.path.exists(gpkg):
            results["GEOPACKAGE"] = gpkg
            uris = self.load_layers(context, gpkg, folder, feedback)
            for name in ("sites", "findings", "overlaps"):
                if name in uris:
                    results[f"{name.upper()}_LAYER"] = uris[name]
        return results


class CompareAlgorithm(LandcheckAlgorithm):
    """``landcheck select compare``: rank alternative sites of one project (比选)."""

    RESERVED = frozenset(
        {"CANDIDATES", "PROFILE", "ID_FIELD", "WIDTH", "WEIGHTS", "SEARCH_DISTANCE"}
        | {"STANDARDS_TABLE", "OVERWRITE", "OUTPUT"}
    )

    def name(self) -> str:
        """Algorithm id within the provider."""
        return "compare"

    def displayName(self) -> str:  # the name QGIS calls
        """Title in the toolbox."""
        return "Compare alternative sites (比选)"

    def shortHelpString(self) -> str:  # the name QGIS calls
        """Help shown beside the dialog."""
        return (
            "Pre-examines alternative sites of one project and ranks them (1 = best): hard "
            "conflicts first, then a weighted score of the protected land each takes. Writes "
            "comparison.gpkg (alternatives, context layers), comparison.csv, comparison.json "
            "with the ranking rule, comparison.png and findings.json; the alternatives are "
            "loaded coloured by status and labelled with their rank.\n\n"
            "WEIGHTS: NAME=W pairs separated by commas, e.g. cultivated=2, conversion=0 "
            "(names: permanent_farmland, eco_redline, paddy, cultivated, conversion, "
            "outside_urban, or a layer key)."
        )

    def initAlgorithm(self, config=None) -> None:  # the name QGIS calls
        """Declare parameters and outputs."""
        self.add_common_parameters("CANDIDATES", "Alternative sites (备选用地)")
        self.addParameter(
            QgsProcessingParameterString(
                "WEIGHTS", "Ranking weights per hectare (NAME=W, …)", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SEARCH_DISTANCE",
                "How far to look for the nearest hard constraint, metres",
                QgsProcessingParameterNumber.Double,
                defaultValue=1000.0,
                minValue=0.001,
            )
        )
        self.add_output_parameters()
        self.addOutput(QgsProcessingOutputFile("FINDINGS", "findings.json"))
        self.addOutput(QgsProcessingOutputFile("GEOPACKAGE", "comparison.gpkg"))
        self.addOutput(QgsProcessingOutputFile("TABLE", "comparison.csv"))
        self.addOutput(
            QgsProcessingOutputVectorLayer(
                "ALTERNATIVES_LAYER", "alternatives layer", QgsProcessing.TypeVectorPolygon
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # the name QGIS calls
        """Run ``landcheck select compare`` and have its layers loaded."""
        executable = self.executable()
        folder, output = self.output_arguments(parameters, context, "comparison.json")
        command = [
            executable,
            "select",
            "compare",
            *self.common_arguments(parameters, context, feedback, "CANDIDATES"),
        ]
        for weight in _pairs(self.parameterAsString(parameters, "WEIGHTS", context)):
            command += ["--weight", weight]
        distance = self.parameterAsDouble(parameters, "SEARCH_DISTANCE", context)
        command += ["--search-distance", repr(distance), *output]
        if feedback.isCanceled():
            return {}
        self.run_landcheck(command, feedback)
        gpkg = os.path.join(folder, "comparison.gpkg")
        uris = self.load_layers(context, gpkg, folder, feedback)
        return {
            "OUTPUT": folder,
            "FINDINGS": os.path.join(folder, "findings.json"),
            "GEOPACKAGE": gpkg,
            "TABLE": os.path.join(folder, "comparison.csv"),
            "ALTERNATIVES_LAYER": uris.get("alternatives"),
        }


class AvoidAlgorithm(LandcheckAlgorithm):
    """``landcheck select avoid``: trim sites off the hard constraints (避让)."""

    RESERVED = frozenset(
        {"SITES", "PROFILE", "ID_FIELD", "WIDTH", "BUFFER", "OUTSIDE_URBAN", "MIN_WIDTH"}
        | {"STANDARDS_TABLE", "OVERWRITE", "OUTPUT"}
    )

    def name(self) -> str:
        """Algorithm id within the provider."""
        return "avoid"

    def displayName(self) -> str:  # the name QGIS calls
        """Title in the toolbox."""
        return "Avoid hard constraints (避让)"

    def shortHelpString(self) -> str:  # the name QGIS calls
        """Help shown beside the dialog."""
        return (
            "Cuts from each site the permanent basic farmland, the ecological protection "
            "redline and the other hard constraints (grown by BUFFER metres; the urban "
            "boundary only with OUTSIDE_URBAN), drops slivers narrower than MIN_WIDTH, and "
            "pre-examines what is kept. Writes avoidance.gpkg (kept, lost, dropped, original), "
            "avoidance.csv, avoidance.json, avoidance.png and avoided_boundary.txt, the "
            "trimmed boundary for resubmission; the layers are loaded, styled."
        )

    def initAlgorithm(self, config=None) -> None:  # the name QGIS calls
        """Declare parameters and outputs."""
        self.add_common_parameters("SITES", "Sites to trim (用地范围)")
        self.addParameter(
            QgsProcessingParameterNumber(
                "BUFFER",
                "Distance to keep from the constraints, metres",
                QgsProcessingParameterNumber.Double,
                defaultValue=0.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "OUTSIDE_URBAN",
                "Also cut land outside the urban development boundary",
                defaultValue=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "MIN_WIDTH",
                "Remove land narrower than this, metres",
                QgsProcessingParameterNumber.Double,
                defaultValue=0.0,
                minValue=0.0,
            )
        )
        self.add_output_parameters()
        self.addOutput(QgsProcessingOutputFile("GEOPACKAGE", "avoidance.gpkg"))
        self.addOutput(QgsProcessingOutputFile("TABLE", "avoidance.csv"))
        self.addOutput(QgsProcessingOutputFile("BOUNDARY_TXT", "avoided_boundary.txt"))
        self.addOutput(
            QgsProcessingOutputVectorLayer(
                "KEPT_LAYER", "kept layer", QgsProcessing.TypeVectorPolygon
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # the name QGIS calls
        """Run ``landcheck select avoid`` and have its layers loaded."""
        executable = self.executable()
        folder, output = self.output_arguments(parameters, context, "avoidance.json")
        command = [
            executable,
            "select",
            "avoid",
            *self.common_arguments(parameters, context, feedback, "SITES"),
        ]
        buffer = self.parameterAsDouble(parameters, "BUFFER", context)
        if buffer > 0:
            command += ["--buffer", repr(buffer)]
        if self.parameterAsBoolean(parameters, "OUTSIDE_URBAN", context):
            command.append("--outside-urban")
        min_width = self.parameterAsDouble(parameters, "MIN_WIDTH", context)
        if min_width > 0:
            command += ["--min-width", repr(min_width)]
        command += output
        if feedback.isCanceled():
            return {}
        self.run_landcheck(command, feedback)
        gpkg = os.path.join(folder, "avoidance.gpkg")
        uris = self.load_layers(context, gpkg, folder, feedback)
        txt = os.path.join(folder, "avoided_boundary.txt")
        return {
            "OUTPUT": folder,
            "GEOPACKAGE": gpkg,
            "TABLE": os.path.join(folder, "avoidance.csv"),
            "BOUNDARY_TXT": txt if os.path.exists(txt) else None,
            "KEPT_LAYER": uris.get("kept"),
        }


def _pairs(text: str) -> list[str]:
    """``"a=1, b=2"`` → ``["a=1", "b=2"]`` (landcheck checks each pair).

    Examples
    --------
    >>> _pairs(" cultivated=2, conversion=0 ,")
    ['cultivated=2', 'conversion=0']
    """
    return [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
