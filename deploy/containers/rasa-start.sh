#!/bin/sh
# Starts Rasa in its image as bot.stack does on one machine: endpoints.yml's ${...} values come from
# bot.settings (the same environment the other processes read), the API needs RASA_TOKEN, and
# SANIC_WORKERS (set by the Deployment from the pod's CPU limit) forks the workers.
set -eu
: "${RASA_TOKEN:?RASA_TOKEN is not set (the Secret backup-secrets)}"
eval "$(python -m bot.settings)"
exec rasa run --model models/backup.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
  --interface "$RASA_HOST" --port "$RASA_PORT" --enable-api --auth-token="$RASA_TOKEN"
