"""Notification channels (reports/alerts/delivery.py): 企业微信/钉钉 group robots and SMS besides e-mail. Read by base.py."""

import os

# The address users open the portal at: the link back to the item in a robot's message or an SMS.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# Fernet key(s) the webhook addresses and 钉钉 secrets are encrypted with, comma-separated, the first encrypts (a new
# one first, the old after it, rotates keys). Empty: a key derived from SECRET_KEY, so changing SECRET_KEY then
# means typing the webhooks again. Make a key with:
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
NOTIFY_ENCRYPTION_KEY = os.environ.get("NOTIFY_ENCRYPTION_KEY", "")
# The SMS provider: a subclass of reports.alerts.transports.SmsGateway. The default only writes the message to the log.
NOTIFY_SMS_GATEWAY = os.environ.get("NOTIFY_SMS_GATEWAY", "reports.alerts.transports.LoggingSmsGateway")
# The hosts a group robot's webhook may name: 企业微信's and 钉钉's, plus a privately deployed one's where the government
# runs its own (NOTIFY_WEBHOOK_HOSTS=im.example.gov.cn,…, added to these). No other: the server posts to the address.
NOTIFY_WEBHOOK_HOSTS = [
    "qyapi.weixin.qq.com",
    "oapi.dingtalk.com",
    *[h.strip() for h in os.environ.get("NOTIFY_WEBHOOK_HOSTS", "").split(",") if h.strip()],
]
NOTIFY_TIMEOUT_SECONDS = 5  # per request to a robot
NOTIFY_MAX_ATTEMPTS = 6  # then the delivery is marked failed (管理后台 › 通知发送记录)
NOTIFY_RETRY_SECONDS = 120  # the wait after the first failure, doubled after each (2, 4, 8, 16, 32 minutes)
