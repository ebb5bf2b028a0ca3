"""What nnlab's jupyterhub_config.py needs beyond plain settings: a spawner that puts each
student's server (and every kernel it starts) in a cgroup with the memory, CPU and process limits
of the config, and the guard that keeps the test-only authenticator out of a real class.

JupyterHub's LocalProcessSpawner starts a student's server as a local process with the student's
uid, but it does not enforce `mem_limit` or `cpu_limit` (only container spawners do). Here, as on
most Linux machines, root can: on cgroup v2 (one tree, /sys/fs/cgroup/cgroup.controllers) a group
`nnlab-hub/<user>` with memory.max, cpu.max and pids.max; on cgroup v1 (a tree per controller) the
same group under memory/, cpu/ and pids/ with memory.limit_in_bytes, cpu.cfs_quota_us and pids.max.
The server's process joins its group before it runs any code of its own (in the preexec function,
between fork and exec, while still root), so it and every kernel it starts are counted and limited;
a kernel that goes past the memory limit is killed by the kernel's OOM killer, the server lives on
and the notebook says the kernel died. When no cgroup can be made (a container without
cgroup rights), the Hub logs one warning per server and starts it without limits.

Stopping a server also ends every process still in its group (a kernel or a child that outlived
the server), so a stopped student uses no memory or CPU.
"""
import os
import signal
import time
from ipaddress import ip_address
from urllib.parse import urlparse

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer, Unicode

CGROUP_ROOT = '/sys/fs/cgroup'
GROUP = 'nnlab-hub'


def parse_bytes(value):
    """'2G', '1536M', '512K' or a number of bytes -> bytes (JupyterHub's own suffixes)."""
    if isinstance(value, int):
        return value
    text = str(value).strip().upper()
    units = {'K': 1024, 'M': 1024 ** 2, 'G': 1024 ** 3, 'T': 1024 ** 4}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def cgroup_v2():
    return os.path.exists(os.path.join(CGROUP_ROOT, 'cgroup.controllers'))


def user_groups(user):
    """The cgroup folders of one user: one on v2, one per controller on v1."""
    if cgroup_v2():
        return {'unified': os.path.join(CGROUP_ROOT, GROUP, user)}
    return {c: os.path.join(CGROUP_ROOT, c, GROUP, user) for c in ('memory', 'cpu', 'pids')
            if os.path.isdir(os.path.join(CGROUP_ROOT, c))}


def write(path, value):
    with open(path, 'w') as f:
        f.write(str(value))


def make_user_group(user, mem_bytes, cpus, pids):
    """Creates (or updates) the user's cgroup with the limits; returns its folders. Raises OSError."""
    groups = user_groups(user)
    if not groups:
        raise OSError('no cgroup controller found under ' + CGROUP_ROOT)
    if 'unified' in groups:
        parent = os.path.join(CGROUP_ROOT, GROUP)
        os.makedirs(parent, exist_ok=True)
        # let the children of nnlab-hub/ have their own memory, cpu and pids limits
        write(os.path.join(CGROUP_ROOT, 'cgroup.subtree_control'), '+memory +cpu +pids')
        write(os.path.join(parent, 'cgroup.subtree_control'), '+memory +cpu +pids')
        d = groups['unified']
        os.makedirs(d, exist_ok=True)
        write(os.path.join(d, 'memory.max'), mem_bytes)
        write(os.path.join(d, 'memory.swap.max'), 0)
        write(os.path.join(d, 'cpu.max'), f'{int(cpus * 100000)} 100000')
        write(os.path.join(d, 'pids.max'), pids)
        return groups
    for controller, d in groups.items():
        os.makedirs(d, exist_ok=True)
    if 'memory' in groups:
        write(os.path.join(groups['memory'], 'memory.limit_in_bytes'), mem_bytes)
        try:  # also no swap past the limit, where the kernel accounts swap
            write(os.path.join(groups['memory'], 'memory.memsw.limit_in_bytes'), mem_bytes)
        except OSError:
            pass
    if 'cpu' in groups:
        write(os.path.join(groups['cpu'], 'cpu.cfs_period_us'), 100000)
        write(os.path.join(groups['cpu'], 'cpu.cfs_quota_us'), int(cpus * 100000))
    if 'pids' in groups:
        write(os.path.join(groups['pids'], 'pids.max'), pids)
    return groups


def group_pids(groups):
    pids = set()
    for d in groups.values():
        try:
            with open(os.path.join(d, 'cgroup.procs')) as f:
                pids.update(int(line) for line in f if line.strip())
        except OSError:
            pass
    return pids


def end_group(groups, log=None):
    """Kills every process left in the user's cgroup, then removes the (empty) group."""
    for _ in range(20):
        left = group_pids(groups)
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    for d in groups.values():
        try:
            os.rmdir(d)
        except OSError as e:
            if log:
                log.warning('nnlab: could not remove the cgroup %s: %s', d, e)


class NnlabSpawner(LocalProcessSpawner):
    """LocalProcessSpawner + a cgroup per user with mem_limit, cpu_limit and pids_limit enforced."""

    pids_limit = Integer(256, config=True, help='Most processes and threads one user may run at once.')
    cgroup_note = Unicode('')

    def limits(self):
        mem = parse_bytes(self.mem_limit) if self.mem_limit else 2 * 1024 ** 3
        cpus = float(self.cpu_limit) if self.cpu_limit else 1.0
        return mem, cpus, int(self.pids_limit)

    def make_preexec_fn(self, name):
        setuid = super().make_preexec_fn(name)
        groups = getattr(self, '_nnlab_groups', None) or {}

        def preexec():
            # still root here: join the user's cgroup, then become the user
            for d in groups.values():
                write(os.path.join(d, 'cgroup.procs'), os.getpid())
            setuid()

        return preexec

    async def start(self):
        mem, cpus, pids = self.limits()
        try:
            self._nnlab_groups = make_user_group(self.user.name, mem, cpus, pids)
        except OSError as e:
            self._nnlab_groups = {}
            self.log.warning('nnlab: no cgroup for %s (%s): the server runs without memory and CPU limits', self.user.name, e)
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        groups = getattr(self, '_nnlab_groups', None) or user_groups(self.user.name)
        end_group({k: d for k, d in groups.items() if os.path.isdir(d)}, self.log)


def require_loopback(url, what):
    """Raises unless the Hub only listens on a loopback address (127.0.0.0/8 or ::1)."""
    host = urlparse(url).hostname or ''
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = host == 'localhost'
    if not loopback:
        raise SystemExit(f'nnlab: {what} is for tests on one machine only, and NNLAB_HUB_URL is {url!r}: '
                         'bind the Hub to 127.0.0.1 to use it, or drop it and log students in with PAM')
