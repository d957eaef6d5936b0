"""Train the Rasa model only when what it is trained from has changed.

The model is named by a content hash of its inputs (config, NLU data, domain, rules, stories, our
components and the data they read, the pinned bot requirements), so ``models/<hash>.tar.gz`` either exists
and is current, or training runs. ``make run`` and ``make test`` call::

    .venv-bot/bin/python -m bot.training            # train if stale, print the model path
    .venv-bot/bin/python -m bot.training --check    # print the path, exit 1 if stale
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEEP_MODELS = 3

# What a trained model depends on, relative to the repository root.
TRAINING_INPUTS = (
    "config.yml",
    "nlu_data",
    "bot/domain",
    "bot/rules",
    "bot/stories",
    "bot/components",
    "vietnam",
    "requirements-bot.txt",
)
DATA_PATHS = ("nlu_data", "bot/rules", "bot/stories")


def _input_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and "__pycache__" not in p.parts
                and p.suffix in {".yml", ".yaml", ".py", ".txt"}
            )
    return files


def fingerprint(root: Path = ROOT) -> str:
    """A short content hash of every training input (paths and bytes)."""
    digest = hashlib.sha256()
    for path in _input_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    return root / "models" / f"bot-{fingerprint(root)}.tar.gz"


def train(root: Path = ROOT) -> Path:
    target = model_path(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    rasa = Path(sys.executable).with_name("rasa")
    command = [
        str(rasa),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "bot/domain",
        "--data",
        *DATA_PATHS,
        "--out",
        str(target.parent),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    print("training:", " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, cwd=root, check=True, env={**os.environ, "PYTHONPATH": str(root)})
    _prune_old_models(target)
    return target


def _prune_old_models(current: Path) -> None:
    models = sorted(current.parent.glob("bot-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        if old != current:
            old.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 when the model is stale")
    args = parser.parse_args(argv)
    target = model_path()
    if target.exists():
        print(target)
        return 0
    if args.check:
        print(f"stale: {target} does not exist", file=sys.stderr)
        return 1
    print(train())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
