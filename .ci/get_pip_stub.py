"""Offline stand-in for the pip bootstrap script ansible-test downloads.

ansible-test builds a venv per sanity test with ``venv --without-pip`` and then runs
``get_pip_<version>.py`` from ``~/.ansible/test/cache`` (downloading it when missing,
which fails without access to ci-files.testing.ansible.com). This stand-in bootstraps
pip from the interpreter's bundled ``ensurepip`` and then installs the pip version
ansible-test asks for from the package index.
"""
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"],
                      stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "--upgrade", "--force-reinstall"] + ARGS)
