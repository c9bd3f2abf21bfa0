# JupyterHub configuration of a ChipLab course hub:  jupyterhub -f deploy/jupyterhub/jupyterhub_config.py
#
# Everything comes from CHIPLAB_HUB_* variables (docs/hub.md lists them); the course roles
# (instructors: Formgrader; students: Assignments) are in chiplab_hub.py beside this file, which the
# Zero-to-JupyterHub values (deploy/kubernetes/values.yaml) share.
#
#   CHIPLAB_HUB_MODE=system   a course server: PAM login with Unix accounts, one process per user as
#                             that user (run the hub as root); roster /srv/jupyterhub/roster.toml
#   CHIPLAB_HUB_MODE=demo     one machine, one shared password, every server runs as the hub's user:
#                             for trying it out (make hub) and for tests/test_hub.py; isolates nobody
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import chiplab_hub  # noqa: E402

c = get_config()  # noqa: F821
chiplab_hub.configure_from_env(c)
