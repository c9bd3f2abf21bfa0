# nbgrader settings of an INSTRUCTOR's server on the ChipLab hub (JUPYTER_CONFIG_PATH points here).
# The course folder (CHIPLAB_COURSE_DIR, set by the hub) is created on first use; its own
# nbgrader_config.py, loaded after this file, holds the ChipLab course settings.
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))  # deploy/jupyterhub
import chiplab_hub  # noqa: E402

c = get_config()  # noqa: F821
chiplab_hub.configure_exchange(c)
if os.environ.get("CHIPLAB_COURSE_DIR"):
    c.CourseDirectory.root = str(chiplab_hub.ensure_course(os.environ["CHIPLAB_COURSE_DIR"]))
