"Helpers shared by the study/CLI tests: how to start the `lq` console script."
import shutil, sys
from pathlib import Path

def lq_command() -> list[str]:
    "The installed `lq` console script next to this Python, or an equivalent `python -c` call."
    exe = Path(sys.executable).with_name("lq")
    if exe.exists(): return [str(exe)]
    if shutil.which("lq"): return [shutil.which("lq")]
    return [sys.executable, "-c", "import sys; from lstm_quant.cli import main; sys.exit(main())"]
