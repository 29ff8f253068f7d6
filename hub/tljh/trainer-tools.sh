#!/usr/bin/env bash
# Give a trainer the nbgrader Formgrader, course list and Create Assignment
# on a TLJH hub (after their first log-in). Their own settings (hub/trainer/)
# take precedence over the learners' (hub/learner/).
#   sudo bash trainer-tools.sh trainer-name
set -euo pipefail
TRAINER="${1:?give the hub user name of the trainer}"
HERE="$(cd "$(dirname "$0")" && pwd)"
USER_NAME="jupyter-${TRAINER}"
CONFIG="/home/${USER_NAME}/.jupyter"
install -D -m 0644 -o "$USER_NAME" "$HERE/../trainer/jupyter_server_config.d/zz-data-with-care-trainer.json" \
  "$CONFIG/jupyter_server_config.d/zz-data-with-care-trainer.json"
install -D -m 0644 -o "$USER_NAME" "$HERE/../trainer/labconfig/page_config.json" "$CONFIG/labconfig/page_config.json"
echo "Done: $TRAINER sees Nbgrader ▸ Formgrader after restarting their server (File ▸ Hub Control Panel ▸ Stop My Server)."
