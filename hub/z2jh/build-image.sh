#!/usr/bin/env bash
# Build the learners' image for Zero to JupyterHub with repo2docker, from
# the learner branch (no solutions in it), and push it to your registry.
#   bash hub/z2jh/build-image.sh ghcr.io/your-org/data-with-care-learner 2026-01
# Needs Docker and `pip install jupyter-repo2docker`.
set -euo pipefail
IMAGE="${1:?give the image name, for example ghcr.io/your-org/data-with-care-learner}"
TAG="${2:?give a tag, for example the cohort: 2026-01}"
REPO="${COURSE_REPO:-https://github.com/data-with-care/data-with-care}"
# repo2docker installs binder/requirements.txt and runs binder/postBuild
# (the course package). nbgrader and nbgitpuller are added on top so the
# Assignments tab and the hub links work; the pins match requirements.txt.
repo2docker --ref learner --image-name "${IMAGE}:${TAG}" --no-run \
  --user-name jovyan --appendix "RUN python -m pip install --no-cache-dir $(grep -E '^(nbgrader|nbgitpuller)==' "$(dirname "$0")/../tljh/requirements-hub.txt" | cut -d' ' -f1 | tr '\n' ' ')" \
  "$REPO"
docker push "${IMAGE}:${TAG}"
echo "Now set singleuser.image.name=${IMAGE} and tag=${TAG} in hub/z2jh/values.yaml."
