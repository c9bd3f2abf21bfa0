# nbgrader settings of a STUDENT's server on the ChipLab hub (JUPYTER_CONFIG_PATH points here):
# fetch from and submit to the hub's shared exchange, validate with the course's cell time limit.
import os
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent.parent.parent  # deploy/jupyterhub
sys.path[:0] = [str(HUB), str(HUB.parent.parent)]  # chiplab_hub, and the repository
import chiplab_hub  # noqa: E402

from autograder.config import CELL_TIMEOUT_S  # noqa: E402

c = get_config()  # noqa: F821
chiplab_hub.configure_exchange(c)
# The hub user is the student id. nbgrader would take the Unix name (or JUPYTERHUB_USER only when that
# name is 'jovyan'); saying it here is right on every kind of hub, including one whose servers share a uid.
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
c.Execute.timeout = CELL_TIMEOUT_S
c.Execute.interrupt_on_timeout = True
