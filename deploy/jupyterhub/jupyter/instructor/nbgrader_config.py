# nbgrader settings of an INSTRUCTOR's server on the ChipLab hub (JUPYTER_CONFIG_PATH points here).
# The course folder (CHIPLAB_COURSE_DIR, set by the hub) is created on first use; its own
# nbgrader_config.py, loaded after this file, holds the ChipLab course settings.
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))  # deploy/jupyterhub
import chiplab_hub  # noqa: E402

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = os.environ.get("CHIPLAB_COURSE_ID", "chiplab")
c.Exchange.path_includes_course = True
if os.environ.get("CHIPLAB_EXCHANGE"):
    c.Exchange.root = os.environ["CHIPLAB_EXCHANGE"]
if os.environ.get("CHIPLAB_COURSE_DIR"):
    c.CourseDirectory.root = str(chiplab_hub.ensure_course(os.environ["CHIPLAB_COURSE_DIR"]))
