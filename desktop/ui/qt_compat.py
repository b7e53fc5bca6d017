"""A guard against a reference-counting defect of PySide6 6.12 on CPython 3.11.

PySide6 6.12.0 returns `None` from void methods (and `True`/`False` from `Signal.emit`) without
taking a new reference. From CPython 3.12 these objects are immortal and nothing happens; on
3.11 every such call lowers their reference count by one, and after a few thousand calls the
interpreter aborts (“Fatal Python error: none_dealloc / bool_dealloc”). A counter clerk makes
that many calls in minutes.

`guard_singletons()` raises the three counts by 2**40 once, which makes them as good as
immortal (the objects are static and never freed anyway). It does nothing on 3.12+. The real
fix is a PySide6 release without the defect, or Python ≥ 3.12; this guard stays harmless then.
"""

from __future__ import annotations

import sys

_GUARDED = False
_BALLAST = 1 << 40


def guard_singletons() -> None:
    global _GUARDED
    if _GUARDED or sys.version_info >= (3, 12):
        return
    import ctypes

    for obj in (None, True, False):
        # ob_refcnt is the first field of every PyObject in release builds
        ctypes.c_ssize_t.from_address(id(obj)).value += _BALLAST
    _GUARDED = True
