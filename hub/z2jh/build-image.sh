#!/usr/bin/env bash
# Build the learners' image for Zero to JupyterHub with repo2docker, from
# the learner branch (no solutions in it), and push it to your registry.
#   bash hub/z2jh/build-image.sh ghcr.io/your-org/data-with-care-learner 2026-01
# Needs Docker and `pip install jupyter-repo2docker`.
set -euo pipefail
IMAGE="${1:?give the image name, for example ghcr.io/your-org/data-with-care-learner}"
TAG="${2:?give a tag, for example the cohort: 2026-01}"
REPO="${COURSE_REPO:-https://github.com/data-with-care/data-with-care}"
HUB="$(cd "$(dirname "$0")/.." && pwd)"
# repo2docker installs binder/requirements.txt and runs binder/postBuild
# (the course package). On top: nbgrader and nbgitpuller, so the
# Assignments tab and the hub links work (pins from tljh/requirements-hub.txt),
# and the learners' settings from hub/learner/, as on the TLJH hub: the
# packages in not-installed.txt removed, and no Formgrader, course list or
# Create Assignment for learners (${NB_PYTHON_PREFIX} is the image's
# environment, which takes precedence over /etc/jupyter).
PINS="$(grep -E '^(nbgrader|nbgitpuller)==' "$HUB/tljh/requirements-hub.txt" | cut -d' ' -f1 | tr '\n' ' ')"
GONE="$(sed '/^#/d;/^$/d' "$HUB/learner/not-installed.txt" | tr '\n' ' ')"
SERVER_JSON="$(tr -d '\n' < "$HUB/learner/jupyter_server_config.d/zz-data-with-care-learners.json")"
LAB_JSON="$(tr -d '\n' < "$HUB/learner/labconfig/page_config.json")"
ETC='${NB_PYTHON_PREFIX}/etc/jupyter'
APPENDIX="RUN python -m pip install --no-cache-dir ${PINS} && python -m pip uninstall --yes ${GONE} \
&& mkdir -p ${ETC}/jupyter_server_config.d ${ETC}/labconfig \
&& echo '${SERVER_JSON}' > ${ETC}/jupyter_server_config.d/zz-data-with-care-learners.json \
&& echo '${LAB_JSON}' > ${ETC}/labconfig/page_config.json"
repo2docker --ref learner --image-name "${IMAGE}:${TAG}" --no-run \
  --user-name jovyan --appendix "$APPENDIX" \
  "$REPO"
docker push "${IMAGE}:${TAG}"
echo "Now set singleuser.image.name=${IMAGE} and tag=${TAG} in hub/z2jh/values.yaml."
echo "The trainer gets the Formgrader by copying hub/trainer/ into ~/.jupyter/ on their server (see hub/README.md)."
