"""nbgrader settings for everyone on the hub (learners and trainer).

The hub kit installs this file as the user environment's
``etc/jupyter/nbgrader_config.py`` (on The Littlest JupyterHub:
``/opt/tljh/user/etc/jupyter/nbgrader_config.py``). The trainer's course
settings stay in the course's own ``exercises/nbgrader_config.py``.
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)

# The course name learners see in the Assignments tab. It must match
# CourseDirectory.course_id in exercises/nbgrader_config.py.
c.CourseDirectory.course_id = "data-with-care"

# The exchange: the shared folder where the trainer releases exercises and
# learners submit them. One folder on the hub's disk (made by install.sh);
# NBGRADER_EXCHANGE overrides it (the course's hub test uses its own).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
