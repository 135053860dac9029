import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Tests never touch the user's library, caches or FiftyOne database in ~/.cache/ml-studio.
if "MLSTUDIO_DATA_DIR" not in os.environ:
    os.environ["MLSTUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="mlstudio-tests-")
