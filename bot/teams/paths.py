"""Where the Bot Framework posts activities, and the largest body taken: constants the HTTP
server needs on either platform, apart from the edge so a Slack bot does not load Teams'."""

MESSAGES_PATH = "/api/messages"
MAX_BODY = 256 * 1024
