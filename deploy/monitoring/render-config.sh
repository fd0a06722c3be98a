#!/bin/sh
# render-config.sh TEMPLATE OUTPUT — Alertmanager's configuration with its Telegram credentials filled in.
# The bot token comes from a file (a Docker/Kubernetes secret: TELEGRAM_BOT_TOKEN_FILE, default
# /run/secrets/telegram_bot_token), the chat id from ALERT_TELEGRAM_CHAT_ID. Alertmanager cannot read either from
# the environment itself (and Debian's 0.25 has no bot_token_file), hence this step. Errors never print the token.
set -eu
template=${1:?usage: render-config.sh TEMPLATE OUTPUT}
output=${2:?usage: render-config.sh TEMPLATE OUTPUT}
token_file=${TELEGRAM_BOT_TOKEN_FILE:-/run/secrets/telegram_bot_token}

if [ ! -r "$token_file" ]; then
  echo "alertmanager: no Telegram bot token in $token_file (set TELEGRAM_BOT_TOKEN_FILE, or mount the secret)" >&2
  exit 1
fi
token=$(tr -d ' \r\n' <"$token_file")
# A bot token is <bot id>:<secret> (BotFather); anything else would also break the sed below.
case "$token" in
'' | *[!0-9A-Za-z:_-]* | [!0-9]*)
  echo "alertmanager: $token_file does not hold a Telegram bot token (<digits>:<letters, digits, _ and ->)" >&2
  exit 1
  ;;
esac
chat_id=${ALERT_TELEGRAM_CHAT_ID:-}
case "$chat_id" in
'' | - | -*[!0-9]* | [!-0-9]* | [0-9]*[!0-9]*)
  echo "alertmanager: ALERT_TELEGRAM_CHAT_ID must be the chat's numeric id (e.g. -1001234567890), got '$chat_id'" >&2
  exit 1
  ;;
esac

umask 077
sed -e "s|__TELEGRAM_BOT_TOKEN__|$token|" -e "s|__TELEGRAM_CHAT_ID__|$chat_id|" "$template" >"$output"
