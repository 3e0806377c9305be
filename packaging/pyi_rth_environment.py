"""PyInstaller runtime hook: give the commands our binaries start the machine's own environment.

A one-file binary unpacks itself and points the library search path at the unpacked folder
(Linux: LD_LIBRARY_PATH, keeping the original in LD_LIBRARY_PATH_ORIG; Windows: the process DLL
directory). Job commands inherit both, and a system program could then load our bundled OpenSSL
or SQLite instead of its own. This process already has its libraries mapped, so restoring the
original values changes nothing for it. PYINSTALLER_RESET_ENVIRONMENT makes any other one-file
program a job starts (our own CLI, say) unpack itself afresh instead of taking ours for its own.
"""

import os
import sys

_dll_directory = None


def _restore() -> None:
    global _dll_directory
    os.environ["PYINSTALLER_RESET_ENVIRONMENT"] = "1"
    if sys.platform.startswith("linux"):
        original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            os.environ.pop("LD_LIBRARY_PATH", None)
        else:
            os.environ["LD_LIBRARY_PATH"] = original
    elif os.name == "nt":
        import ctypes

        # Keep the unpacked folder for our own later imports (not inherited by children), then
        # clear the inherited DLL directory.
        _dll_directory = os.add_dll_directory(sys._MEIPASS)
        ctypes.windll.kernel32.SetDllDirectoryW(None)


_restore()
