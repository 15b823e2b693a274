"""The maps' PNG files: standard PNGs holding exactly the pixels given."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from landcheck.report.png import rgb_png


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Each chunk's (type, data), its CRC checked."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def _pixels(height: int, width: int, channels: int, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, channels), dtype=np.uint8)


@pytest.mark.parametrize("channels", [3, 4])
def test_the_file_holds_exactly_the_colour_channels_given(channels):
    pixels = _pixels(37, 53, channels)
    image = Image.open(io.BytesIO(rgb_png(pixels, 200)))
    assert image.format == "PNG" and image.mode == "RGB" and image.size == (53, 37)
    assert np.array_equal(np.asarray(image), pixels[..., :3])


def test_flat_map_like_pixels_and_a_view_into_a_larger_array_come_back_the_same():
    canvas = np.full((878, 1680, 4), 255, dtype=np.uint8)
    canvas[100:400, 200:900, :3] = (165, 105, 189)  # a filled shape
    canvas[250, :, :3] = 0  # a line across
    canvas[300:310, 1000:1010] = _pixels(10, 10, 4)  # anti-aliased edges, any values
    view = canvas[50:800, 100:1500]  # rows not contiguous in memory
    image = Image.open(io.BytesIO(rgb_png(view, 200)))
    assert np.array_equal(np.asarray(image), view[..., :3])


def test_the_resolution_is_recorded_as_pillow_records_it():
    pixels = _pixels(4, 5, 3)
    ours = dict(_chunks(rgb_png(pixels, 200)))
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", dpi=(200, 200))
    theirs = dict(_chunks(buffer.getvalue()))
    assert ours[b"pHYs"] == theirs[b"pHYs"] == struct.pack(">IIB", 7874, 7874, 1)
    assert Image.open(io.BytesIO(rgb_png(pixels, 200))).info["dpi"] == pytest.approx(
        (200, 200), abs=0.01
    )


def test_the_chunks_are_a_standard_rgb_png_with_unfiltered_rows():
    pixels = _pixels(3, 2, 3)
    chunks = _chunks(rgb_png(pixels, 110, level=3))
    assert [kind for kind, _ in chunks] == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    assert chunks[0][1] == struct.pack(">IIBBBBB", 2, 3, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = np.frombuffer(zlib.decompress(chunks[2][1]), dtype=np.uint8).reshape(3, 1 + 2 * 3)
    assert (rows[:, 0] == 0).all() and np.array_equal(rows[:, 1:], pixels.reshape(3, 6))
    assert chunks[3][1] == b""


@pytest.mark.parametrize(
    "pixels",
    [
        np.zeros((4, 4), np.uint8),
        np.zeros((4, 4, 2), np.uint8),
        np.zeros((4, 4, 3), np.float32),
        np.zeros((0, 4, 3), np.uint8),
        np.zeros((4, 0, 4), np.uint8),
    ],
)
def test_pixels_that_are_not_rgb_bytes_are_refused(pixels):
    with pytest.raises(ValueError, match="want"):
        rgb_png(pixels, 200)
