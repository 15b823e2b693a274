"""A headless PyQGIS session that runs the landcheck Processing algorithms as QGIS does.

Run by tests/test_qgis_plugin.py with Debian's ``python3`` (which has ``qgis``), never
imported by it::

    python3 tests/qgis_session.py SETUP.json RESULT.json [SCENARIO,...]

SETUP names the QGIS profile folder the plugin was installed into (``make qgis-plugin``),
the test data GeoPackages and a work folder. Each scenario runs an algorithm through
``processing.run`` with the handler the Processing dialog uses to load result layers
(``handleAlgorithmResults``), and records what a user would see: the log, the results,
the error message, and the layers loaded into the project (group, order, renderer,
labels, areas). RESULT.json gets one entry per scenario; the test asserts on them.

Only the standard library is imported at module level (pytest collects this file's
doctests in the landcheck environment, which has no QGIS).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback


def _feedback_class():
    from qgis.core import QgsProcessingFeedback

    class Recorder(QgsProcessingFeedback):
        """Keeps every message and progress value; can cancel at the first progress event."""

        def __init__(self, cancel_on_progress: bool = False) -> None:
            super().__init__()
            self.log: list[tuple[str, str]] = []
            self.progress: list[float] = []
            self.cancel_on_progress = cancel_on_progress
            self.loading = False
            self.progressChanged.connect(self._progress)

        def _progress(self, value: float) -> None:
            if self.loading:  # the result layers are being loaded: not the run's progress
                return
            self.progress.append(value)
            if self.cancel_on_progress and 0 < value < 100:
                self.cancel()

        def setProgressText(self, text: str) -> None:
            self.log.append(("progress_text", text))

        def pushInfo(self, info: str) -> None:
            self.log.append(("info", info))

        def pushWarning(self, warning: str) -> None:
            self.log.append(("warning", warning))

        def pushCommandInfo(self, info: str) -> None:
            self.log.append(("command", info))

        def pushConsoleInfo(self, info: str) -> None:
            self.log.append(("console", info))

        def pushDebugInfo(self, info: str) -> None:
            self.log.append(("debug", info))

        def reportError(self, error: str, fatalError: bool = False) -> None:
            self.log.append(("error", error))

    return Recorder


def _layer_summary(layer) -> dict:
    """What the layer tree shows of a loaded layer: name, renderer, labels, area."""
    from qgis.core import QgsDistanceArea

    renderer = layer.renderer()
    area = QgsDistanceArea()  # planar: no ellipsoid set
    return {
        "name": layer.name(),
        "source": layer.source(),
        "features": layer.featureCount(),
        "renderer": renderer.type() if renderer else None,
        "attribute": renderer.classAttribute() if hasattr(renderer, "classAttribute") else None,
        "categories": (
            [c.value() for c in renderer.categories()] if hasattr(renderer, "categories") else []
        ),
        "labels": bool(layer.labelsEnabled()),
        "planar_m2": sum(area.measureArea(f.geometry()) for f in layer.getFeatures()),
    }


def _groups() -> dict:
    """Group name → the layers in it, in tree order."""
    from qgis.core import QgsLayerTreeGroup, QgsProject

    root = QgsProject.instance().layerTreeRoot()
    out = {}
    for child in root.children():
        if isinstance(child, QgsLayerTreeGroup):
            out[child.name()] = [_layer_summary(node.layer()) for node in child.findLayers()]
    return out


def _run(algorithm: str, parameters: dict, *, cancel_on_progress: bool = False) -> dict:
    """Run one algorithm as the Processing dialog does; never raises."""
    import processing
    from processing.gui.Postprocessing import handleAlgorithmResults
    from qgis.core import QgsProcessingContext, QgsProject

    feedback = _feedback_class()(cancel_on_progress)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    context.setFeedback(feedback)
    started = time.monotonic()
    entry: dict = {"error": None, "results": None}
    try:
        results = processing.run(
            algorithm,
            parameters,
            context=context,
            feedback=feedback,
            onFinish=lambda alg, ctx, fb: _load_results(alg, ctx, fb, handleAlgorithmResults),
        )
        entry["results"] = {k: v for k, v in results.items() if isinstance(v, (str, type(None)))}
    except Exception as ex:  # the message a user sees is what the tests check
        entry["error"] = str(ex)
        entry["error_type"] = type(ex).__name__
    entry["seconds"] = time.monotonic() - started
    entry["log"] = feedback.log
    entry["progress"] = feedback.progress
    entry["canceled"] = feedback.isCanceled()
    return entry


def _load_results(algorithm, context, feedback, handle) -> None:
    feedback.loading = True
    handle(algorithm, context, feedback)


def _vector(uri: str, name: str):
    from qgis.core import QgsProject, QgsVectorLayer

    layer = QgsVectorLayer(uri, name, "ogr")
    if not layer.isValid():
        raise RuntimeError(f"cannot open {uri}")
    QgsProject.instance().addMapLayer(layer)
    return layer


def scenario_selection(setup: dict) -> dict:
    """check: S1 selected in a file layer; farmland as a memory layer; an empty OUTPUT folder."""
    from qgis.core import QgsFeatureRequest, QgsProcessingFeatureSourceDefinition, QgsProject

    data = setup["data"]
    sites = _vector(f"{data}|layername=sites", "sites")
    sites.selectByExpression("\"site_id\" = 'S1'")
    farmland_file = _vector(f"{data}|layername=farmland", "farmland file")
    farmland = farmland_file.materialize(QgsFeatureRequest())
    farmland.setName("farmland (memory)")
    QgsProject.instance().addMapLayer(farmland)
    output = os.path.join(setup["work"], "selection")
    os.makedirs(output)  # an empty folder, as made in the folder dialog
    entry = _run(
        "landcheck:check",
        {
            "SITES": QgsProcessingFeatureSourceDefinition(sites.id(), True),
            "FARMLAND": farmland.id(),
            "OUTPUT": output,
        },
    )
    entry["groups"] = _groups()
    return entry


def scenario_avoid(setup: dict) -> dict:
    """avoid: candidate C1 through a filtered layer, the constraints from the file."""
    data = setup["select"]
    candidates = _vector(f"{data}|layername=candidates", "candidates")
    candidates.setSubsetString("\"site_id\" = 'C1'")
    parameters = {"SITES": candidates.id(), "OUTPUT": os.path.join(setup["work"], "avoid")}
    for key in ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use"):
        parameters[key.upper()] = f"{data}|layername={key}"
    entry = _run("landcheck:avoid", parameters)
    entry["groups"] = _groups()
    return entry


def scenario_compare(setup: dict) -> dict:
    """compare: the five candidates, the constraints from the file."""
    data = setup["select"]
    parameters = {
        "CANDIDATES": f"{data}|layername=candidates",
        "OUTPUT": os.path.join(setup["work"], "compare"),
    }
    for key in ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use"):
        parameters[key.upper()] = f"{data}|layername={key}"
    entry = _run("landcheck:compare", parameters)
    entry["groups"] = _groups()
    return entry


def scenario_cancel(setup: dict) -> dict:
    """check of 600 sites, cancelled at landcheck's first progress event."""
    data = setup["batch"]
    output = os.path.join(setup["work"], "cancelled")
    entry = _run(
        "landcheck:check",
        {
            "SITES": f"{data}|layername=sites",
            "FARMLAND": f"{data}|layername=farmland",
            "OUTPUT": output,
        },
        cancel_on_progress=True,
    )
    entry["output_exists"] = os.path.lexists(output)
    entry["work_listing"] = sorted(os.listdir(setup["work"]))
    return entry


def scenario_errors(setup: dict) -> dict:
    """Messages for a foreign output folder, a kept result, a bad profile, no environment."""
    from processing.core.ProcessingConfig import ProcessingConfig

    data = setup["data"]
    work = setup["work"]
    base = {"SITES": f"{data}|layername=sites", "FARMLAND": f"{data}|layername=farmland"}
    foreign = os.path.join(work, "foreign")
    os.makedirs(foreign)
    with open(os.path.join(foreign, "notes.txt"), "w", encoding="utf-8") as handle:
        handle.write("not a landcheck result\n")
    bad_profile = os.path.join(work, "bad-profile.yaml")
    with open(bad_profile, "w", encoding="utf-8") as handle:
        handle.write("name: broken\nversion: '1'\nlayers: {}\nrules: 7\n")
    out: dict = {
        "foreign_folder": _run("landcheck:check", {**base, "OUTPUT": foreign}),
        "earlier_result": _run(
            "landcheck:check", {**base, "OUTPUT": os.path.join(work, "selection")}
        ),
        "bad_profile": _run(
            "landcheck:check",
            {**base, "PROFILE": bad_profile, "OUTPUT": os.path.join(work, "bad")},
        ),
    }
    out["bad_profile_output_exists"] = os.path.lexists(os.path.join(work, "bad"))
    empty_env = os.path.join(work, "no-landcheck-here")
    os.makedirs(empty_env)
    ProcessingConfig.setSettingValue("LANDCHECK_ENVIRONMENT", empty_env)
    try:
        out["no_environment"] = _run(
            "landcheck:check", {**base, "OUTPUT": os.path.join(work, "never")}
        )
    finally:
        ProcessingConfig.setSettingValue("LANDCHECK_ENVIRONMENT", "")
    out["stage"] = _stage_arguments()
    return out


def scenario_standards(setup: dict) -> dict:
    """check with an index table (STANDARDS_TABLE → --standards-table), then a bad one."""
    data = setup["data"]
    work = setup["work"]
    base = {"SITES": f"{data}|layername=sites", "FARMLAND": f"{data}|layername=farmland"}
    header = "table,key,grade,indicator,min,max,unit,source\n"
    good = os.path.join(work, "standards.csv")
    bad = os.path.join(work, "bad-standards.csv")
    with open(good, "w", encoding="utf-8") as handle:
        handle.write(header + "industry,32,,plot_ratio,1.0,,,省定指标表2\n")
    with open(bad, "w", encoding="utf-8") as handle:
        handle.write(header + "industry,32,,plot_ratio,1.x,,,\n")
    out = {
        "table": good,
        "good": _run(
            "landcheck:check",
            {**base, "STANDARDS_TABLE": good, "OUTPUT": os.path.join(work, "standards")},
        ),
        "bad": _run(
            "landcheck:check",
            {**base, "STANDARDS_TABLE": bad, "OUTPUT": os.path.join(work, "bad-standards")},
        ),
    }
    out["bad_output_exists"] = os.path.lexists(os.path.join(work, "bad-standards"))
    return out


def _stage_arguments() -> dict:
    """STAGE with and without ``--stage`` in landcheck's options."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("landcheck:check")
    context = QgsProcessingContext()
    out = {}
    for stage in (0, 1):
        for options in (frozenset({"--stage", "--output"}), frozenset({"--output"})):
            label = f"{stage}:{'with' if '--stage' in options else 'without'}"
            try:
                out[label] = algorithm.stage_arguments({"STAGE": stage}, context, options)
            except QgsProcessingException as ex:
                out[label] = f"error: {ex}"
    return out


def scenario_parameters(setup: dict) -> dict:
    """The parameters each algorithm declares (names and types)."""
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    out = {}
    for name in ("check", "compare", "avoid"):
        algorithm = registry.algorithmById(f"landcheck:{name}")
        out[name] = {p.name(): p.type() for p in algorithm.parameterDefinitions()}
    return out


SCENARIOS = {
    "parameters": scenario_parameters,
    "selection": scenario_selection,
    "avoid": scenario_avoid,
    "compare": scenario_compare,
    "cancel": scenario_cancel,
    "errors": scenario_errors,
    "standards": scenario_standards,
}


def main(setup_path: str, result_path: str, only: str = "") -> int:
    """Start QGIS headless, load the installed plugin, run the scenarios (``only``: a,b,…)."""
    with open(setup_path, encoding="utf-8") as handle:
        setup = json.load(handle)
    from qgis.core import QgsApplication

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False, setup["profile_folder"])
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    sys.path.insert(0, os.path.join(setup["profile_folder"], "python", "plugins"))
    import landcheck as landcheck_plugin  # the plugin package, not the library

    plugin = landcheck_plugin.classFactory(None)
    plugin.initProcessing()
    results: dict = {"plugin_file": landcheck_plugin.__file__}
    chosen = only.split(",") if only else list(SCENARIOS)
    for name in chosen:
        scenario = SCENARIOS[name]
        try:
            results[name] = scenario(setup)
        except Exception:
            results[name] = {"crashed": traceback.format_exc()}
    plugin.unload()
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, ensure_ascii=False, indent=1, default=str)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
