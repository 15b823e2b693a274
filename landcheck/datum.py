"""The former home of :mod:`landcheck.crs.datum`; its names are still importable from here."""

from landcheck.crs.datum import (
    DATUM_SHIFT_FORMAT,
    DatumShift,
    apply_datum_shift,
    helmert_pipeline,
    legacy_refusal,
)

__all__ = [
    "DATUM_SHIFT_FORMAT",
    "DatumShift",
    "apply_datum_shift",
    "helmert_pipeline",
    "legacy_refusal",
]
