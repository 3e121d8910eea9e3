"""`make install` puts the module where the distribution's python3 finds it (DESTDIR and
PREFIX respected); the stubs describe every public name; the README's example runs."""
import ast
import os
import re
import subprocess

import pytest

import wirecraft as wc
from conftest import REPO, py_env

PY = "/usr/bin/python3"
BUILD = os.environ.get("WC_BUILD_DIR") or os.path.join(REPO, "build")


def make_install(dest, prefix):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    r = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "B=" + BUILD,
                        "install", "PREFIX=" + prefix, "DESTDIR=" + str(dest)],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def site(prefix):
    r = subprocess.run([PY, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                       capture_output=True, text=True, check=True)
    ver = r.stdout.strip()
    return "lib/python3/dist-packages" if prefix == "/usr" else "lib/python%s/dist-packages" % ver


@pytest.mark.parametrize("prefix", ["/usr", "/usr/local"])
def test_make_install(tmp_path, prefix):
    make_install(tmp_path, prefix)
    d = tmp_path / prefix.lstrip("/") / site(prefix)
    pkg = d / "wirecraft"
    for f in ("__init__.py", "__init__.pyi", "py.typed", "_wirecraft.abi3.so"):
        assert (pkg / f).is_file(), f
    # the directory is one the distribution's python3 reads, once DESTDIR is gone
    r = subprocess.run([PY, "-c", "import sys; print('\\n'.join(sys.path))"],
                       capture_output=True, text=True, check=True)
    assert os.path.join(prefix, site(prefix)) in r.stdout.split()
    # and the installed copy works on its own
    r = subprocess.run([PY, "-c", "import wirecraft as wc; print(wc.__file__); "
                        "print(len(wc.build('IP(dst=\"198.18.0.0/24\")/TCP(dport=[22,80])')))"],
                       capture_output=True, text=True, env={"PYTHONPATH": str(d)}, cwd="/")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(pkg / "__init__.py"), "512"]


def test_stubs_cover_the_api():
    stub = ast.parse(open(os.path.join(os.path.dirname(wc.__file__), "__init__.pyi")).read())
    names = {n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {t.id for n in stub.body if isinstance(n, (ast.Assign, ast.AnnAssign))
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
              if isinstance(t, ast.Name)}
    assert set(wc.__all__) <= names, set(wc.__all__) - names
    for name in wc.__all__:
        obj = getattr(wc, name)
        assert obj.__doc__, "%s has no docstring" % name


def test_readme_example(tmp_path):
    text = open(os.path.join(REPO, "README.md")).read()
    m = re.search(r"```python\n(.*?)```", text, re.S)
    assert m, "README: no python example"
    code = m.group(1)
    # the offline part runs as written (the live part needs root and a namespace: the
    # network tests run the same calls)
    offline = code.split("# live")[0]
    r = subprocess.run([PY, "-c", offline], capture_output=True, text=True, env=py_env(),
                       cwd=str(tmp_path), timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[0] == "512"
    assert "8 bad number '198.18.0.1' (addresses and names need quotes)" in r.stdout
