#!/usr/bin/env bash
# A hub for one cohort of Data with Care: The Littlest JupyterHub (TLJH)
# on one Ubuntu server, with nbgrader, nbgitpuller and the course package.
#
# Read book/trainers/hubs-and-binder.md first. Run this as root on a fresh
# Ubuntu 22.04 or 24.04 server that has a domain name pointing at it:
#
#   sudo bash install.sh trainer-name you@example.org hub.example.org
#
# Sizing for 15 learners: see the table in book/trainers/hubs-and-binder.md.
set -euo pipefail

TRAINER="${1:?give the hub user name of the trainer, for example: sam}"
EMAIL="${2:?give an e-mail address for the HTTPS certificate, from Lets Encrypt}"
DOMAIN="${3:?give the domain name of the hub, for example: hub.example.org}"
COURSE_REPO="${COURSE_REPO:-https://github.com/data-with-care/data-with-care}"
HERE="$(cd "$(dirname "$0")" && pwd)"

# 1. The Littlest JupyterHub itself, with the trainer as its admin.
curl -L https://tljh.jupyter.org/bootstrap.py | python3 - --admin "$TRAINER"

# 2. The learners' environment (/opt/tljh/user): the course package and the
#    tools the course uses, at the course's pinned versions. nbgrader and
#    nbgitpuller are part of the author requirements.
/opt/tljh/user/bin/pip install --requirement "$HERE/requirements-hub.txt"
/opt/tljh/user/bin/pip install "git+${COURSE_REPO}@main"

# 3. nbgrader: one exchange folder everybody can write to, the hub-wide
#    settings (course name, exchange), and the right buttons for each person.
mkdir -p /srv/nbgrader/exchange
chmod ugo+rwx /srv/nbgrader/exchange
install -D -m 0644 "$HERE/../nbgrader_config.py" /opt/tljh/user/etc/jupyter/nbgrader_config.py
# Learners get the Assignments tab and Validate, and nothing a learner does
# not use: no Formgrader, course list or Create Assignment (hub/learner/, the
# same files the course's own hub test uses). Files, not `jupyter server
# extension disable`: with nbgrader 0.9 that command fails to validate
# nbgrader's extensions and writes nothing.
install -D -m 0644 "$HERE/../learner/jupyter_server_config.d/zz-data-with-care-learners.json" \
  /opt/tljh/user/etc/jupyter/jupyter_server_config.d/zz-data-with-care-learners.json
install -D -m 0644 "$HERE/../learner/labconfig/page_config.json" /opt/tljh/user/etc/jupyter/labconfig/page_config.json
# Packages no learner uses that cost every learner's server memory.
sed '/^#/d;/^$/d' "$HERE/../learner/not-installed.txt" | xargs --no-run-if-empty /opt/tljh/user/bin/pip uninstall --yes
# The trainer (system user jupyter-<name> on TLJH) gets the Formgrader.
# Their home folder exists once they have logged in once.
if [ -d "/home/jupyter-${TRAINER}" ]; then
  bash "$HERE/trainer-tools.sh" "$TRAINER"
else
  echo "Log in once as $TRAINER, then run hub/tljh/trainer-tools.sh $TRAINER to give them the Formgrader."
fi

# 4. Hub settings (names checked against the TLJH documentation):
#    JupyterLab by default; each learner's server capped at 1 GB and one
#    core; idle servers stopped after an hour (work is saved on disk).
tljh-config set user_environment.default_app jupyterlab
tljh-config set limits.memory 1G
tljh-config set limits.cpu 1
tljh-config set services.cull.timeout 3600
tljh-config set services.cull.every 300
# Learners log in with a user name you give them; FirstUseAuthenticator
# (TLJH's default) lets each set their own password the first time.
tljh-config set auth.type firstuseauthenticator.FirstUseAuthenticator
# HTTPS, so passwords never cross the network unencrypted.
tljh-config set https.enabled true
tljh-config set https.letsencrypt.email "$EMAIL"
tljh-config add-item https.letsencrypt.domains "$DOMAIN"
tljh-config reload proxy
tljh-config reload

echo
echo "Hub ready at https://$DOMAIN. Next: add learners in the Admin page (Control Panel ▸ Admin),"
echo "send the nbgitpuller link (python -m datawithcare.links, see the trainer's guide),"
echo "and clone the course's main branch into the trainer's own space to run nbgrader."
