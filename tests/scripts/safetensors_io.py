"""Minimal, dependency-free (NumPy only) safetensors reader/writer.

Format (https://github.com/huggingface/safetensors):
  * 8 bytes: little-endian uint64 N = length of the JSON header
  * N bytes: UTF-8 JSON header, padded with trailing spaces so N % 8 == 0
      {"__metadata__": {str: str}, "<name>": {"dtype": "F32"|"F64",
       "shape": [...], "data_offsets": [begin, end]}, ...}
    offsets are relative to the first byte after the header
  * raw little-endian, C-contiguous tensor data, back to back in the order
    the tensors were written.

Only F32 and F64 are supported (that is all the GenLstm tests need).
"""
import json
import struct

import numpy as np

_NP_TO_ST = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64"}
_ST_TO_NP = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}


def write_safetensors(path, tensors, metadata=None):
    """Write `tensors` (dict name -> np.ndarray, float32/float64) to `path`.

    Tensors are stored in dict insertion order. `metadata` must map str->str.
    """
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError("metadata must be dict[str, str], got %r: %r" % (k, v))
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        if name == "__metadata__":
            raise ValueError("tensor name '__metadata__' is reserved")
        arr = np.asarray(arr)
        if arr.dtype not in _NP_TO_ST:
            raise TypeError("tensor %r has unsupported dtype %s (only float32/float64)" % (name, arr.dtype))
        st = _NP_TO_ST[arr.dtype]
        data = np.ascontiguousarray(arr, dtype=_ST_TO_NP[st]).tobytes(order="C")
        header[name] = {
            "dtype": st,
            "shape": [int(s) for s in arr.shape],
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    hbytes = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hbytes += b" " * ((-len(hbytes)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Return (dict name -> np.ndarray, metadata dict) read from `path`."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError("file too short")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError("header length %d exceeds file size" % n)
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        dt = _ST_TO_NP.get(info["dtype"])
        if dt is None:
            raise TypeError("unsupported dtype %s for %r" % (info["dtype"], name))
        b, e = info["data_offsets"]
        shape = tuple(info["shape"])
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if e - b != count * dt.itemsize or e > len(data):
            raise ValueError("bad data_offsets for %r" % name)
        tensors[name] = np.frombuffer(data[b:e], dtype=dt).reshape(shape).astype(dt.newbyteorder("="))
    return tensors, metadata


if __name__ == "__main__":
    import os
    import tempfile

    rng = np.random.default_rng(0)
    t = {"a": rng.standard_normal((3, 5)).astype(np.float32),
         "b": rng.standard_normal(7),
         "s": np.array(1.5, dtype=np.float32)}
    p = os.path.join(tempfile.mkdtemp(), "x.safetensors")
    write_safetensors(p, t, {"k": "v"})
    r, m = read_safetensors(p)
    assert m == {"k": "v"}
    for k in t:
        assert r[k].dtype == t[k].dtype and r[k].shape == t[k].shape and np.array_equal(r[k], t[k])
    try:
        write_safetensors(p, {"i": np.zeros(3, dtype=np.int32)})
        raise AssertionError("int32 accepted")
    except TypeError:
        pass
    print("safetensors_io self-test OK")
