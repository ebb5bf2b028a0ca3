# JupyterHub configuration for an nnlab class on one machine (Debian's jupyterhub 3.0).
#
# Start it as root from anywhere:
#     sudo jupyterhub -f /opt/nnlab/scripts/classroom/jupyterhub_config.py
# or  sudo npx nnlab classroom hub        (the same, after `nnlab classroom setup`)
#
# What a student gets: log in with their account on this machine (PAM), and their own Jupyter
# server starts with their uid, in their home, with the two nnlab kernels (registered system-wide
# by `nnlab classroom setup`, pointing at this one read-only install: nothing is installed per
# user), and their own copy of the lessons in ~/nnlab-lessons (copied at the first login; later
# logins bring new and changed lessons in, keeping the ones they edited: `nnlab lessons update`).
# Homework arrives in ~/nnlab-lessons/homework when the instructor assigns it.
# Datasets come from one shared read-only mirror (NNLAB_DATA_MIRROR) into each student's cache.
#
# Every setting that differs between classes is an environment variable of the Hub, so this file
# stays as committed (see docs/classroom.md for the sizing behind the defaults):
#   NNLAB_HUB_URL          where the Hub listens            default http://127.0.0.1:8000
#                          (put a TLS reverse proxy in front, or set https:// with
#                          NNLAB_HUB_SSL_CERT and NNLAB_HUB_SSL_KEY, before opening it to a network)
#   NNLAB_HUB_STATE        the Hub's database and cookie secret   default /var/lib/nnlab-hub
#   NNLAB_HUB_API_PORT, NNLAB_HUB_PROXY_API_PORT   the Hub's and the proxy's own ports on
#                          127.0.0.1 (defaults 8081 and 8001), for two Hubs on one machine
#   NNLAB_HUB_KERNEL_PREFIX  where `nnlab classroom setup --prefix` put the kernelspecs, when not
#                          a folder Jupyter searches anyway (/usr/local, the default, is one)
#   NNLAB_HUB_ADMINS       instructors' user names, comma-separated (they may open the admin page)
#   NNLAB_HUB_MEM_LIMIT    memory of one student (server + kernels)  default 2G
#   NNLAB_HUB_CPU_LIMIT    CPU cores one student may use at once     default 1
#   NNLAB_HUB_PIDS_LIMIT   processes and threads of one student      default 256
#   NNLAB_HUB_IDLE_MINUTES stop a student's server after this many idle minutes (0: never)  default 60
#   NNLAB_HUB_HOMEWORK_AT_LOGIN=1  every homework is copied with the lessons at login (default:
#                          homework arrives only with `nnlab classroom assign`)
#   NNLAB_DATA_MIRROR      the shared folder with the dataset files (read-only for students)
#   NNLAB_HUB_ADMIN_TOKEN  an API token for scripts (a service with admin rights): generate one,
#                          `openssl rand -hex 32`; never commit it. Unset: no such service.
# Only for tests (never in a class): NNLAB_HUB_DUMMY_PASSWORD + NNLAB_HUB_TESTING=1 log anyone in
# with that one password instead of PAM, and only on a Hub bound to 127.0.0.1.
import os
import secrets
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nnlab_hub import NnlabSpawner, parse_bytes, require_loopback  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))       # this nnlab install (the clone)
env = os.environ.get
c = get_config()  # noqa: F821 (JupyterHub provides it)

# --- where the Hub listens, and its state -----------------------------------------------------
c.JupyterHub.bind_url = env('NNLAB_HUB_URL', 'http://127.0.0.1:8000')
c.JupyterHub.hub_ip = '127.0.0.1'                   # the Hub's own API: this machine only
c.JupyterHub.hub_port = int(env('NNLAB_HUB_API_PORT', '8081'))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(env('NNLAB_HUB_PROXY_API_PORT', '8001'))}"
if env('NNLAB_HUB_SSL_CERT'):
    c.JupyterHub.ssl_cert = env('NNLAB_HUB_SSL_CERT')
    c.JupyterHub.ssl_key = env('NNLAB_HUB_SSL_KEY')
STATE = env('NNLAB_HUB_STATE', '/var/lib/nnlab-hub')
os.makedirs(STATE, mode=0o700, exist_ok=True)
os.chmod(STATE, 0o700)                              # the database holds every user's tokens
c.JupyterHub.db_url = 'sqlite:///' + os.path.join(STATE, 'jupyterhub.sqlite')
c.JupyterHub.cookie_secret_file = os.path.join(STATE, 'jupyterhub_cookie_secret')
c.JupyterHub.pid_file = os.path.join(STATE, 'jupyterhub.pid')

# the proxy: npm's configurable-http-proxy 5 from this install's node_modules (Debian's 4.5
# package fails to load under Node 20); the same Node that runs the kernels
proxy = os.path.join(ROOT, 'node_modules', '.bin', 'configurable-http-proxy')
if os.path.exists(proxy):
    c.ConfigurableHTTPProxy.command = [shutil.which('node') or '/usr/bin/node', proxy]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, 'jupyterhub-proxy.pid')

# --- who may log in ---------------------------------------------------------------------------
if env('NNLAB_HUB_DUMMY_PASSWORD'):
    if env('NNLAB_HUB_TESTING') != '1':
        raise SystemExit('nnlab: NNLAB_HUB_DUMMY_PASSWORD logs anyone in with one password; it is '
                         'refused unless NNLAB_HUB_TESTING=1 says this Hub is a test')
    require_loopback(c.JupyterHub.bind_url, 'the dummy authenticator (NNLAB_HUB_DUMMY_PASSWORD)')
    c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
    c.DummyAuthenticator.password = env('NNLAB_HUB_DUMMY_PASSWORD')
else:
    # students log in with their account on this machine: create them with adduser, newusers or
    # LDAP; root and system accounts are refused by PAM's own rules as they are for a login
    # (no allowed_users list: every account PAM accepts may log in; add one to restrict)
    c.JupyterHub.authenticator_class = 'jupyterhub.auth.PAMAuthenticator'
    c.LocalAuthenticator.create_system_users = False
admins = {u.strip() for u in env('NNLAB_HUB_ADMINS', '').split(',') if u.strip()}
c.Authenticator.admin_users = admins

# an API token for scripts (the tests, `nnlab classroom` tooling), generated per run by whoever
# starts the Hub; JupyterHub keeps only its hash
if env('NNLAB_HUB_ADMIN_TOKEN'):
    c.JupyterHub.services = [{'name': 'nnlab-admin', 'api_token': env('NNLAB_HUB_ADMIN_TOKEN')}]
    c.JupyterHub.load_roles = [{
        'name': 'nnlab-admin',
        'scopes': ['admin:users', 'admin:servers', 'access:servers', 'read:users', 'list:users'],
        'services': ['nnlab-admin'],
    }]

# --- each student's server --------------------------------------------------------------------
c.JupyterHub.spawner_class = NnlabSpawner
# a wrapper that runs as the student: copies the lessons into ~/nnlab-lessons (first login) or
# brings new ones in (`nnlab lessons update`), then starts jupyterhub-singleuser
c.Spawner.cmd = [os.path.join(HERE, 'nnlab-singleuser')]
c.Spawner.notebook_dir = '~'
c.Spawner.default_url = '/tree/nnlab-lessons'
c.Spawner.mem_limit = env('NNLAB_HUB_MEM_LIMIT', '2G')
c.Spawner.cpu_limit = float(env('NNLAB_HUB_CPU_LIMIT', '1'))
c.NnlabSpawner.pids_limit = int(env('NNLAB_HUB_PIDS_LIMIT', '256'))
c.Spawner.start_timeout = 60                        # measured: 1-4 s; 60 leaves room on a busy machine
c.Spawner.http_timeout = 60
# what the kernels read (the Hub passes few variables through): the shared mirror, the node that
# runs the kernels, wasm with one thread (a loaded machine gives a second thread nothing)
passed = {
    'NNLAB_WASM_THREADS': '1',
    'NNLAB_NODE': shutil.which('node') or '/usr/bin/node',
    'JUPYTERHUB_SINGLEUSER_APP': 'notebook.notebookapp.NotebookApp',   # Debian's notebook 6.4
}
if env('NNLAB_HUB_KERNEL_PREFIX'):
    passed['JUPYTER_PATH'] = os.path.join(env('NNLAB_HUB_KERNEL_PREFIX'), 'share', 'jupyter')
for name in ('NNLAB_HUB_HOMEWORK_AT_LOGIN', 'NNLAB_DATA_MIRROR', 'NNLAB_DATA_OFFLINE', 'NNLAB_QUICK', 'NNLAB_WASM_THREADS',
             'NNLAB_WASM_KERNELS', 'NNLAB_STATIC_FIGURES', 'NNLAB_MEMORY_LIMIT'):
    if env(name) is not None:
        passed[name] = env(name)
# an experiment checks its memory estimate against NNLAB_MEMORY_LIMIT before it runs, so one that
# would not fit says so in one line instead of the kernel being killed at the cgroup's limit: 60 %
# of a student's memory (the rest is the server, ~115 MB, and the kernel itself, ~420 MB measured)
if env('NNLAB_MEMORY_LIMIT') is None:
    passed['NNLAB_MEMORY_LIMIT'] = f'{parse_bytes(c.Spawner.mem_limit) * 6 // 10 // 2 ** 20}MB'
c.Spawner.environment = passed

# stop the servers of students who left, so their kernels' memory goes back to the class: a
# kernel idle this long is shut down, and a server with no activity this long stops itself (the
# single-user server's own culling; Debian has no jupyterhub-idle-culler package)
idle = int(env('NNLAB_HUB_IDLE_MINUTES', '60'))
if idle > 0:
    c.Spawner.args = [f'--NotebookApp.shutdown_no_activity_timeout={idle * 60}',
                      f'--MappingKernelManager.cull_idle_timeout={idle * 60}',
                      '--MappingKernelManager.cull_interval=300']
c.JupyterHub.shutdown_on_logout = False
c.JupyterHub.cleanup_servers = True                 # stopping the Hub stops every student's server
