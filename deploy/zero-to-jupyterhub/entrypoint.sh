#!/bin/sh
# The course image's entrypoint (Dockerfile), before jupyterhub-singleuser starts.
set -e
# Name this container's uid after the hub user (JUPYTERHUB_USER, set by the hub): each user
# runs as a uid of their own (values.yaml), and nbgrader names submissions after the unix user
# and checks their owner by name. /etc/passwd is group-writable for this only; values.yaml
# keeps allowPrivilegeEscalation false, so no setuid program can use an edited entry.
if ! getent passwd "$(id -u)" >/dev/null && [ -n "${JUPYTERHUB_USER:-}" ]; then
    echo "${JUPYTERHUB_USER}:x:$(id -u):$(id -g):${JUPYTERHUB_USER}:${HOME}:/bin/bash" >> /etc/passwd
fi
# Instructors (values.yaml's hook sets the role) work in the course folder: their server, its
# terminals and the formgrader start there and read its nbgrader_config.py.
if [ "${BACKEND_LAB_ROLE:-}" = instructor ]; then
    mkdir -p "$HOME/backend-lab"
    cd "$HOME/backend-lab"
fi
exec "$@"
