#!/usr/bin/env bash
# Give a trainer the nbgrader Formgrader on a TLJH hub (after their first log-in).
#   sudo bash trainer-tools.sh trainer-name
set -euo pipefail
TRAINER="${1:?give the hub user name of the trainer}"
sudo -u "jupyter-${TRAINER}" /opt/tljh/user/bin/jupyter labextension enable --level=user nbgrader:formgrader
sudo -u "jupyter-${TRAINER}" /opt/tljh/user/bin/jupyter server extension enable --user nbgrader.server_extensions.formgrader
echo "Done: $TRAINER sees Nbgrader ▸ Formgrader after restarting their server (File ▸ Hub Control Panel ▸ Stop My Server)."
