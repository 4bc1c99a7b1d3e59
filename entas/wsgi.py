import os

from django.core.wsgi import get_wsgi_application

# Uploads and exports written by the web workers are readable by the account running Entas only,
# also when gunicorn is started directly rather than through `entas serve`.
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entas.settings")
application = get_wsgi_application()
