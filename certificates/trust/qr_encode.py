"""The QR module matrix for a fixed mask, bit for bit what ``qrcode`` builds, several times faster.

``qrcode`` writes every bit through a list-backed buffer, computes the Reed-Solomon check
bytes with polynomial objects and places each module by calling the mask function: about
as long as the rest of a certificate page together (bench/bench_certificates.py). Here:

* the data bits accumulate in one Python integer;
* the check bytes come from a shift register over an integer, with the generator's products
  for each of the 256 feedback bytes looked up in a table (built once per block size);
* the function patterns, format and version bits, the order in which data modules are placed
  and the mask over them depend only on (version, level, mask): they are worked out once, by
  ``qrcode`` itself, and cached, with the place every module's value is read from; a code's
  grid (``qr_grid``, n * n bytes) is then one numpy gather from its data bits and the fixed
  patterns, and the version is found from the segments' lengths alone.

Segmentation (``optimal_data_chunks``), the version tables and the patterns are ``qrcode``'s,
so the two agree exactly; tests/certificates/test_qr_encode.py compares them.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left

import numpy as np
import qrcode
from qrcode import LUT, util
from qrcode.base import gexp, glog, rs_blocks

_ALPHA = {ch: i for i, ch in enumerate(util.ALPHA_NUM)}


class DataOverflow(ValueError):
    """The data does not fit in any QR version at this level."""


def _put_chunk(acc: int, nbits: int, chunk, version: int) -> tuple[int, int]:
    data = chunk.data
    length = util.length_in_bits(chunk.mode, version)
    acc = (acc << 4 | chunk.mode) << length | len(data)
    nbits += 4 + length
    if chunk.mode == util.MODE_NUMBER:
        triples = len(data) // 3
        if triples:
            acc = acc << 10 * triples | _numeric_triples(data[: 3 * triples])
        rest = data[3 * triples :]
        if rest:
            width = util.NUMBER_LENGTH[len(rest)]
            acc = acc << width | int(rest)
            nbits += width
        nbits += 10 * triples
    elif chunk.mode == util.MODE_ALPHA_NUM:
        pairs = len(data) // 2
        if pairs:
            acc = acc << 11 * pairs | _alphanumeric_pairs(data[: 2 * pairs])
        if len(data) % 2:
            acc = acc << 6 | _ALPHA[data[-1]]
        nbits += pairs * 11 + len(data) % 2 * 6
    else:
        acc = acc << 8 * len(data) | int.from_bytes(data, "big")
        nbits += 8 * len(data)
    return acc, nbits


# Each alphanumeric character's value (0..44) at its byte's place: bytes.translate then gives
# the values of a whole chunk in one call.
_ALPHA_VALUES = bytes(_ALPHA.get(b, 0) for b in range(256))


def _alphanumeric_pairs(data: bytes) -> int:
    """The 11-bit values of the character pairs of ``data`` (an even number of
    alphanumeric characters), one after the other in one integer: numpy packs the pairs
    of a 500-character token in one pass instead of a Python step per pair."""
    values = np.frombuffer(data.translate(_ALPHA_VALUES), dtype=np.uint8).astype(np.uint16)
    pairs = values[0::2] * 45 + values[1::2]
    # Each pair as 16 bits big-endian, of which the last 11 are the value.
    bits = np.unpackbits(pairs.astype(">u2").view(np.uint8)).reshape(-1, 16)[:, 5:]
    padding = -bits.size % 8  # packbits fills whole bytes: zeros at the end, shifted out
    return int.from_bytes(np.packbits(bits).tobytes(), "big") >> padding


def _numeric_triples(data: bytes) -> int:
    """The 10-bit values of the three-digit groups of ``data`` (a multiple of three ASCII
    digits), one after the other in one integer. The compact token is a decimal number of
    about 600 digits: a Python step per group took as long as the rest of the encoding."""
    digits = (np.frombuffer(data, dtype=np.uint8) - 48).astype(np.uint16).reshape(-1, 3)
    values = digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2]
    # Each group as 16 bits big-endian, of which the last 10 are the value.
    bits = np.unpackbits(values.astype(">u2").view(np.uint8)).reshape(-1, 16)[:, 6:]
    padding = -bits.size % 8  # packbits fills whole bytes: zeros at the end, shifted out
    return int.from_bytes(np.packbits(bits).tobytes(), "big") >> padding


def _bits(chunks, version: int) -> tuple[int, int]:
    acc = nbits = 0
    for chunk in chunks:
        acc, nbits = _put_chunk(acc, nbits, chunk, version)
    return acc, nbits


def _bit_count(chunks, version: int) -> int:
    """How many bits ``_bits`` writes, worked out from the lengths alone."""
    total = 0
    for chunk in chunks:
        size = len(chunk.data)
        total += 4 + util.length_in_bits(chunk.mode, version)
        if chunk.mode == util.MODE_NUMBER:
            total += size // 3 * 10 + (util.NUMBER_LENGTH[size % 3] if size % 3 else 0)
        elif chunk.mode == util.MODE_ALPHA_NUM:
            total += size // 2 * 11 + size % 2 * 6
        else:
            total += 8 * size
    return total


def fit_version(chunks, level: int) -> int:
    """The smallest version holding the chunks (``qrcode``'s best_fit)."""
    start = 1
    while True:
        needed = _bit_count(chunks, start)
        version = bisect_left(util.BIT_LIMIT_TABLE[level], needed, start)
        if version == 41:
            raise DataOverflow(f"{needed} bits do not fit in any QR version")
        if util.mode_sizes_for_version(version) is util.mode_sizes_for_version(start):
            return version
        start = version


@functools.cache
def _generator_table(ec_count: int) -> tuple[int, ...]:
    """For each feedback byte f: the products f * g_i of the generator's coefficients (the
    leading 1 dropped), packed big-endian into one integer."""
    generator = LUT.rsPoly_LUT[ec_count][1:]
    table = [0]
    for f in range(1, 256):
        log_f = glog(f)
        products = bytes(gexp(glog(g) + log_f) if g else 0 for g in generator)
        table.append(int.from_bytes(products, "big"))
    return tuple(table)


def _check_bytes(block: bytes, ec_count: int) -> bytes:
    table = _generator_table(ec_count)
    shift, mask = 8 * (ec_count - 1), (1 << 8 * ec_count) - 1
    remainder = 0
    for byte in block:
        remainder = (remainder << 8 & mask) ^ table[byte ^ remainder >> shift]
    return remainder.to_bytes(ec_count, "big")


@functools.cache
def _check_table(data_count: int, ec_count: int) -> np.ndarray:
    """``table[i, b]``: the check bytes of a block whose only non-zero byte is ``b`` at
    place ``i``. The check bytes are linear (XOR) in the data, so a block's are the XOR of
    ``table[i, block[i]]`` over its places: one numpy gather and reduction for all the
    blocks of a code instead of a Python step per data byte. Built once per block size,
    by the shift register above (about 20 ms; 256 * data_count * ec_count bytes)."""
    table = np.zeros((data_count, 256, ec_count), dtype=np.uint8)
    for i in range(data_count):
        for b in range(1, 256):
            unit = bytes(i) + bytes((b,)) + bytes(data_count - i - 1)
            table[i, b] = np.frombuffer(_check_bytes(unit, ec_count), dtype=np.uint8)
    table.flags.writeable = False
    return table


def codewords(chunks, version: int, level: int) -> bytes:
    """Data and check codewords, interleaved (``qrcode.util.create_data``)."""
    blocks = rs_blocks(version, level)
    limit = sum(b.data_count for b in blocks) * 8
    acc, nbits = _bits(chunks, version)
    if nbits > limit:
        raise DataOverflow(f"{nbits} bits do not fit in version {version}")
    terminator = min(limit - nbits, 4)
    acc, nbits = acc << terminator, nbits + terminator
    if nbits % 8:
        acc, nbits = acc << 8 - nbits % 8, nbits + 8 - nbits % 8
    data = acc.to_bytes(nbits // 8, "big") + (b"\xec\x11" * limit)[: (limit - nbits) // 8]

    # A code's blocks come in at most two sizes, the longer ones (one data codeword more)
    # last; the same check-byte count for all. Each size's blocks: one table look-up.
    ec_count = blocks[0].total_count - blocks[0].data_count
    longest = max(b.data_count for b in blocks)
    # The data blocks as rows of a matrix, the shorter ones padded with 256 (no byte), so
    # reading it column by column interleaves them as the standard does.
    matrix = np.full((len(blocks), longest), 256, dtype=np.uint16)
    checks = np.empty((len(blocks), ec_count), dtype=np.uint8)
    as_bytes = np.frombuffer(data, dtype=np.uint8)
    offset = row = 0
    for count, group in itertools.groupby(b.data_count for b in blocks):
        rows = len(list(group))
        piece = as_bytes[offset : offset + rows * count].reshape(rows, count)
        offset += rows * count
        matrix[row : row + rows, :count] = piece
        looked_up = _check_table(count, ec_count)[np.arange(count), piece]
        checks[row : row + rows] = np.bitwise_xor.reduce(looked_up, axis=1)
        row += rows
    interleaved = matrix.T.ravel()
    interleaved = interleaved[interleaved != 256].astype(np.uint8)
    return interleaved.tobytes() + checks.T.tobytes()


@functools.cache
def _template(version: int, level: int, mask: int) -> tuple[tuple, tuple[int, ...], int]:
    """(flat modules with None at data places, the data places in placement order, the mask
    over them as one integer, first place in the highest bit), from ``qrcode`` itself."""
    qr = qrcode.QRCode(version=version, error_correction=level, border=0, mask_pattern=mask)
    n = qr.modules_count = version * 4 + 17
    qr.modules = [[None] * n for _ in range(n)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(n - 7, 0)
    qr.setup_position_probe_pattern(0, n - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(False, mask)
    if version >= 7:
        qr.setup_type_number(False)
    flat = tuple(m for row in qr.modules for m in row)

    # The walk of qrcode's map_data: column pairs from the right, up and down in turn.
    order: list[int] = []
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if qr.modules[row][c] is None:
                    order.append(row * n + c)
            row += step
            if row < 0 or row >= n:
                row -= step
                step = -step
                break
    masked = util.mask_func(mask)
    mask_bits = 0
    for place in order:
        mask_bits = mask_bits << 1 | bool(masked(place // n, place % n))
    return flat, tuple(order), mask_bits


@functools.cache
def _gather(version: int, level: int, mask: int) -> tuple[np.ndarray, int]:
    """For every module of the grid (row by row), where its value is read from: the data
    places' bits in placement order, followed by a 0 and a 1 for the fixed patterns. With
    it, a code's grid is one indexing operation instead of a Python loop over its modules."""
    flat, order, _mask_bits = _template(version, level, mask)
    places = len(order)
    index = np.array([places + 1 if m else places for m in flat], dtype=np.intp)
    index[np.array(order, dtype=np.intp)] = np.arange(places, dtype=np.intp)
    index.flags.writeable = False  # shared by every later code of this (version, level, mask)
    return index, places


def qr_grid(data: str, level: int, mask: int, version: int | None = None) -> tuple[int, bytes]:
    """(version, the grid as n * n bytes, 1 for a dark module, row by row) for a fixed mask."""
    chunks = list(util.optimal_data_chunks(data, 20))
    version = version or fit_version(chunks, level)
    words = codewords(chunks, version, level)
    _flat, _order, mask_bits = _template(version, level, mask)
    index, places = _gather(version, level, mask)
    # The data bits, the remainder places after them 0, then the mask: one XOR.
    value = int.from_bytes(words, "big") << (places - 8 * len(words)) ^ mask_bits
    padding = -places % 8  # to_bytes is whole bytes: the first bits are padding
    bits = np.unpackbits(np.frombuffer(value.to_bytes((places + padding) // 8, "big"), np.uint8))
    source = np.concatenate((bits[padding:], _FIXED))
    return version, source[index].tobytes()


_FIXED = np.array([0, 1], dtype=np.uint8)


def qr_modules(data: str, level: int, mask: int, version: int | None = None):
    """(version, rows of booleans) of the QR code of ``data``, for a fixed ``mask``."""
    version, grid = qr_grid(data, level, mask, version)
    n = version * 4 + 17
    return version, tuple(tuple(map(bool, grid[r * n : r * n + n])) for r in range(n))
