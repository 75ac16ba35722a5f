#!/usr/bin/env python
"""Copy the collection to a real ``.../ansible_collections/<namespace>/<name>`` path.

ansible-test refuses symlinked collection paths, so it runs on a copy. Only the files git
would commit are copied (tracked plus untracked-but-not-ignored files), so work dirs,
venvs and tool output never reach the copy. Outside a git checkout a plain copy is made
that leaves out the same kind of clutter.

The copy gets a git repository of its own (an empty one: every file is untracked but not
ignored). ansible-test looks for a ``.git`` upwards from the collection to learn which files
belong to it; without one it would find the enclosing checkout when the copy lives in a
gitignored work dir, and then see no files at all.

``tests/output`` of an earlier copy is kept: it holds ansible-test's delegation venvs,
which makes the next run faster. Everything else in the destination is replaced.

Usage: sync_collection_copy.py SOURCE DESTINATION
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

KEEP = (".git", "tests/output")
SKIP_DIRS = {".work", ".git", ".ansible", ".tox", ".venv", "__pycache__"}
SKIP_PATHS = {"tests/output", "collections"}


def git_files(source):
    """The files git would commit, or None when SOURCE is not a git checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", source, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    names = sorted(set(name for name in out.decode("utf-8").split("\0") if name))
    # a tracked file deleted in the work tree is listed but not there
    return [name for name in names if os.path.lexists(os.path.join(source, name))]


def walked_files(source):
    """Every file below SOURCE except work dirs, venvs and tool output."""
    found = []
    for top, dirs, files in os.walk(source):
        rel_top = os.path.relpath(top, source)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS
                         and os.path.normpath(os.path.join(rel_top, d)) not in SKIP_PATHS
                         and not os.path.exists(os.path.join(top, d, "pyvenv.cfg")))
        for name in files:
            if name.endswith((".pyc", ".tar.gz")) or name == "integration_config.yml":
                continue
            found.append(os.path.normpath(os.path.join(rel_top, name)))
    return sorted(found)


def clear(destination):
    """Empty DESTINATION except the KEEP paths."""
    keep = set(os.path.normpath(path) for path in KEEP)
    for top, dirs, files in os.walk(destination, topdown=True):
        rel_top = os.path.relpath(top, destination)
        for name in list(dirs):
            rel = os.path.normpath(os.path.join(rel_top, name))
            if rel in keep:
                dirs.remove(name)
            elif not any(k.startswith(rel + os.sep) for k in keep):
                path = os.path.join(top, name)
                if os.path.islink(path):
                    os.unlink(path)
                else:
                    shutil.rmtree(path)
                dirs.remove(name)
        for name in files:
            os.unlink(os.path.join(top, name))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    source, destination = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    if os.path.commonpath([source, destination]) == destination:
        sys.stderr.write("refusing to replace %s, which holds the source %s\n" % (destination, source))
        return 2
    files = git_files(source)
    how = "git file list"
    if files is None:
        files, how = walked_files(source), "directory walk"
    os.makedirs(destination, exist_ok=True)
    clear(destination)
    for rel in files:
        src, dst = os.path.join(source, rel), os.path.join(destination, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    if shutil.which("git") and not os.path.isdir(os.path.join(destination, ".git")):
        subprocess.run(["git", "init", "-q", destination], check=True)
    print("copied %d files (%s) to %s" % (len(files), how, destination))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
