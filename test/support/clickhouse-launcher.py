#!/usr/bin/env python3
"""Runs a real ClickHouse server from chdb's engine library (libchdb.so) until its stdin closes.

Usage: clickhouse-launcher.py LIBCHDB CONFIG_XML

chdb's `chdb_query_cmdline(int argc, char **argv)` runs clickhouse-local with command-line arguments and
returns a `chdb_result *` (read through chdb_result_error / chdb_result_buffer / chdb_result_length, freed by
chdb_destroy_query_result). libchdb.so ships no header; these shapes are chdb's C API (chdb.h upstream).

In local mode `SYSTEM START LISTEN HTTP` / `TCP` open the listeners the config file names, but they close as
soon as the command line's last query returns. So the last query reads this process's stdin (a pipe held by
the test): the server serves until the test closes the pipe (or dies, which closes it too), then the engine
shuts down cleanly and the data directory holds everything written. The engine cannot open a socket as a
file (Node's child stdin is a socketpair), so a thread copies stdin's end-of-file onto an ordinary pipe that
the query reads through /proc/self/fd.
"""
import ctypes
import os
import sys
import threading


def main() -> int:
    library, config = sys.argv[1], sys.argv[2]
    chdb = ctypes.CDLL(library)
    chdb.chdb_query_cmdline.restype = ctypes.c_void_p
    chdb.chdb_query_cmdline.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    chdb.chdb_result_error.restype = ctypes.c_char_p
    chdb.chdb_result_error.argtypes = [ctypes.c_void_p]
    chdb.chdb_destroy_query_result.restype = None
    chdb.chdb_destroy_query_result.argtypes = [ctypes.c_void_p]

    hold_read, hold_write = os.pipe()

    def release_on_eof() -> None:
        while sys.stdin.buffer.read(65536):
            pass
        os.close(hold_write)

    threading.Thread(target=release_on_eof, daemon=True).start()
    query = (
        "SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; "
        # Blocks on the pipe without using CPU; returns when the test closes stdin.
        f"SELECT count() FROM file('/proc/self/fd/{hold_read}', 'LineAsString') FORMAT Null"
    )
    args = [b"clickhouse", f"--config-file={config}".encode(), f"--query={query}".encode()]
    argv = (ctypes.c_char_p * len(args))(*args)
    result = chdb.chdb_query_cmdline(len(args), argv)
    if not result:
        print("clickhouse launcher: chdb_query_cmdline returned no result", file=sys.stderr)
        return 1
    error = chdb.chdb_result_error(result)
    chdb.chdb_destroy_query_result(result)
    if error:
        print(f"clickhouse launcher: {error.decode(errors='replace')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
