"""JupyterHub settings for tests/test_jupyterhub.py: one machine, real unix users.

The test starts ``jupyterhub -f`` this file as root with these environment variables:
BLHUB_BASE (the folder holding the hub's state), BLHUB_PREFIX (the class's environment,
built from the system Python), BLHUB_PORT, BLHUB_API_PORT, BLHUB_HUB_PORT (free loopback
ports), BLHUB_TOKEN (the test's service token), BLHUB_USERS (comma-separated unix users),
BLHUB_JUPYTER_CONFIG (the folder standing in for /etc/jupyter).

What a real hub would do differently is marked REAL HUB.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

base = Path(os.environ["BLHUB_BASE"])
prefix = Path(os.environ["BLHUB_PREFIX"])
users = set(os.environ["BLHUB_USERS"].split(","))

c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['BLHUB_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["BLHUB_HUB_PORT"])
c.JupyterHub.db_url = f"sqlite:///{base / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(base / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(base / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server

# The Python port of configurable-http-proxy (PyPI), so the test needs no Node.js.
# REAL HUB: npm's configurable-http-proxy is the reference implementation.
c.ConfigurableHTTPProxy.command = [str(prefix / "bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['BLHUB_API_PORT']}"

# Nobody logs in with a password here: the test acts through API tokens.
# REAL HUB: PAMAuthenticator (the default) or the institution's OAuth.
c.JupyterHub.authenticator_class = "null"
c.Authenticator.allowed_users = users

# Every user's server runs as that unix user, from the class's environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(prefix / "bin" / "jupyterhub-singleuser")]
c.Spawner.environment = {
    "PATH": f"{prefix / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    # REAL HUB: /etc/jupyter (README), read by every server without this variable
    "JUPYTER_CONFIG_PATH": os.environ["BLHUB_JUPYTER_CONFIG"],
}
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# The test's own service: may start servers and issue tokens on the users' behalf, and
# nothing else (it does not read the users' files: it acts with each user's own token).
c.JupyterHub.services = [{"name": "class-driver", "api_token": os.environ["BLHUB_TOKEN"]}]
c.JupyterHub.load_roles = [{
    "name": "class-driver",
    "scopes": ["admin:users", "admin:servers", "tokens"],
    "services": ["class-driver"],
}]
