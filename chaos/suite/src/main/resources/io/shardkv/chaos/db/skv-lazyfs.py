#!/usr/bin/python3
# skv-lazyfs: a FUSE file system that loses what was not fsynced, for the chaos suite's power-loss
# nemesis (after Jepsen's lazyfs). Installed as HOME/bin/skv-lazyfs by io.shardkv.chaos.db.ShardKvDb;
# run with Debian's /usr/bin/python3 (packages fuse3 and python3-fusepy, which brings libfuse2).
#
#   skv-lazyfs check                        can this host run it? exit 0, else 3 and why
#   skv-lazyfs mount MOUNT STATE [--watch-pid PID --watch-start T]
#                                           rebuild STATE/visible from STATE/durable, mount MOUNT
#   skv-lazyfs umount MOUNT STATE           unmount (lazily if busy) and stop the daemon; idempotent
#   skv-lazyfs drop MOUNT STATE [--watch-pid PID --watch-start T]
#                                           power loss: unmount, forget what was not durable, mount
#                                           again (nothing may use MOUNT: kill its users first);
#                                           prints what it lost ("lost N byte(s): ...")
#   skv-lazyfs freeze MOUNT STATE           the instant of a power loss: from now on no fsync makes
#                                           anything durable (each fails with EIO), until the next
#                                           mount; run it before killing the users, then drop
#   skv-lazyfs status MOUNT                 "mounted" or "not-mounted"
#   skv-lazyfs slow MOUNT STATE [MS]        slow disk: every later fsync/fsyncdir of the mount waits MS
#                                           milliseconds before it makes anything durable (0: normal
#                                           speed again); without MS prints the delay. Prints
#                                           "fsync delay N ms". A mount (so also a drop) resets it to 0.
#
# Model (docs/chaos.md, "Power loss"). MOUNT shows STATE/visible (the "page cache": every write,
# create, rename, unlink and truncate is applied there at once, so readers see it); STATE/durable is
# what survives a power loss:
#   - file data: the visible inode I's data becomes durable at fsync/fdatasync of that file, in
#     STATE/durable/.inodes/I (only the ranges written since the last fsync are copied);
#   - names of regular files (create, rename, unlink): durable at fsync of their directory — the
#     directory's durable entries become its visible ones, each a hard link to the durable data of
#     its inode (empty if that inode's data was never fsynced);
#   - directories (mkdir, rmdir, rename of a directory): durable at once (a simplification: the
#     server forces a new directory's parent anyway, docs/storage.md);
#   - drop: the visible tree is thrown away and rebuilt from the durable names and data.
#   - slow disk (STATE/fsync-delay-ms, read at each fsync): the fsync first waits, then makes durable
#     what it covers, so a drop during the wait loses it, as a power loss during a slow disk's
#     flush would. A power loss freezes the state first (freeze, then kill the users, then drop; a
#     drop freezes too): an fsync still waiting then makes nothing durable and fails (EIO) — a
#     process killed inside a FUSE fsync only dies once the daemon answers it, so without the freeze
#     the waiting fsync would complete after the kill.
# Durable means "in STATE/durable", not "on this machine's disk": the daemon never calls fsync on
# the backing files (the model is the point, not the machine's own power).
# With --watch-pid the daemon unmounts itself and exits when that process (the controller) is gone,
# so a controller killed with -9 leaves no mount behind.
import errno
import warnings
import os
import shutil
import subprocess
import sys
import threading
import time

INODES = ".inodes"
DELAY = "fsync-delay-ms"
FROZEN = "frozen"
MAX_DELAY_MS = 600000


def die(msg, code=3):
    print("skv-lazyfs: " + msg, file=sys.stderr)
    sys.exit(code)


def mounted(mount):
    mount = os.path.realpath(mount)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            p = line.split(" ")[4].encode().decode("unicode_escape")
            if p == mount:
                return True
    return False


def unavailable():
    """Why this host cannot run the layer, or None."""
    if not os.path.exists("/dev/fuse"):
        return "/dev/fuse is missing (no FUSE in this kernel or container; load the fuse module)"
    try:
        os.close(os.open("/dev/fuse", os.O_RDWR))
    except OSError as e:
        return "cannot open /dev/fuse: " + e.strerror + " (needs root or CAP_SYS_ADMIN)"
    try:
        import fusepy  # noqa: F401  (Debian's python3-fusepy)
    except Exception as e:  # ImportError, or OSError when libfuse2 is missing
        return "python module fusepy unavailable (" + str(e) + "); apt-get install fuse3 python3-fusepy"
    if not shutil.which("fusermount3") and not shutil.which("umount"):
        return "neither fusermount3 nor umount found; apt-get install fuse3"
    return None


class LazyFs:
    def __init__(self, visible, durable):
        import fusepy
        self.fusepy = fusepy
        self.v = visible
        self.d = durable
        self.inodes = os.path.join(durable, INODES)
        self.mu = threading.RLock()
        self.dirty = {}  # visible inode -> [lo, hi): written since its last fsync
        self.fh_ino = {}  # open file handle -> visible inode
        self.dead = 0
        self.state = os.path.dirname(visible)

    # ---- helpers
    def vp(self, path):
        return self.v + path

    def dp(self, path):
        return self.d + path

    def ino_file(self, ino):
        return os.path.join(self.inodes, str(ino))

    def mark(self, ino, lo, hi):
        with self.mu:
            r = self.dirty.get(ino)
            if r is None:
                self.dirty[ino] = [lo, hi]
            else:
                r[0] = min(r[0], lo)
                r[1] = max(r[1], hi)

    def fresh_inode(self, ino):
        """A new visible file got inode number ino: any durable data under that number belonged to a
        dead inode (still reachable through its durable names, if any) and is moved aside."""
        with self.mu:
            f = self.ino_file(ino)
            if os.path.lexists(f):
                if os.stat(f).st_nlink > 1:
                    self.dead += 1
                    os.rename(f, os.path.join(self.inodes, "dead-%d-%d" % (ino, self.dead)))
                else:
                    os.unlink(f)
            open(f, "wb").close()
            self.dirty.pop(ino, None)

    # ---- fusepy operations (errors: OSError carries errno, which fusepy returns)
    def __call__(self, op, *args):
        if not hasattr(self, op):
            raise self.fusepy.FuseOSError(errno.ENOSYS)
        try:
            return getattr(self, op)(*args)
        except OSError as e:
            raise self.fusepy.FuseOSError(e.errno or errno.EIO)

    def init(self, path):
        pass

    def destroy(self, path):
        pass

    def access(self, path, mode):
        if not os.access(self.vp(path), mode):
            raise OSError(errno.EACCES, "")

    def getattr(self, path, fh=None):
        st = os.fstat(fh) if fh is not None and fh in self.fh_ino else os.lstat(self.vp(path))
        keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime", "st_ctime")
        return {k: getattr(st, k) for k in keys}

    def statfs(self, path):
        s = os.statvfs(self.v)
        return {k: getattr(s, k) for k in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail",
                                           "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self.vp(path))

    def opendir(self, path):
        return 0

    def releasedir(self, path, fh):
        return 0

    def chmod(self, path, mode):
        os.chmod(self.vp(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self.vp(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self.vp(path), times=times)

    def mkdir(self, path, mode):
        os.mkdir(self.vp(path), mode)
        os.makedirs(self.dp(path), exist_ok=True)

    def rmdir(self, path):
        os.rmdir(self.vp(path))
        shutil.rmtree(self.dp(path), ignore_errors=True)

    def unlink(self, path):
        os.unlink(self.vp(path))

    def rename(self, old, new):
        is_dir = os.path.isdir(self.vp(old))
        os.rename(self.vp(old), self.vp(new))
        if is_dir and os.path.isdir(self.dp(old)):
            if os.path.isdir(self.dp(new)):
                shutil.rmtree(self.dp(new))
            os.rename(self.dp(old), self.dp(new))

    def link(self, target, source):
        raise OSError(errno.EPERM, "hard links are not modelled")

    def symlink(self, target, source):
        raise OSError(errno.EPERM, "symbolic links are not modelled")

    def create(self, path, mode, fi=None):
        fh = os.open(self.vp(path), os.O_CREAT | os.O_EXCL | os.O_RDWR, mode)
        ino = os.fstat(fh).st_ino
        self.fresh_inode(ino)
        with self.mu:
            self.fh_ino[fh] = ino
        return fh

    def open(self, path, flags):
        fh = os.open(self.vp(path), flags & ~os.O_CREAT)
        ino = os.fstat(fh).st_ino
        with self.mu:
            self.fh_ino[fh] = ino
            if not os.path.exists(self.ino_file(ino)):
                open(self.ino_file(ino), "wb").close()
        if flags & os.O_TRUNC:
            self.mark(ino, 0, 0)
        return fh

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        n = os.pwrite(fh, data, offset)
        self.mark(self.fh_ino[fh], offset, offset + n)
        return n

    def truncate(self, path, length, fh=None):
        if fh is not None and fh in self.fh_ino:
            os.ftruncate(fh, length)
            ino = self.fh_ino[fh]
        else:
            os.truncate(self.vp(path), length)
            ino = os.lstat(self.vp(path)).st_ino
        self.mark(ino, length, length)

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        with self.mu:
            self.fh_ino.pop(fh, None)
        os.close(fh)
        return 0

    def slow_disk(self):
        """Slow-disk mode: wait the mount's fsync delay (outside the lock, so other calls go on);
        then, under the lock, refuse (EIO) if a drop froze the state meanwhile."""
        end = time.monotonic() + delay_ms(self.state) / 1000.0
        while time.monotonic() < end and not self.frozen():
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))

    def frozen(self):
        return os.path.exists(os.path.join(self.state, FROZEN))

    def fsync(self, path, datasync, fh):
        """The visible inode's data becomes durable: its durable copy takes the visible size and
        every range written since the last fsync."""
        self.slow_disk()
        with self.mu:
            if self.frozen():
                raise OSError(errno.EIO, "power lost during the fsync")
            ino = self.fh_ino.get(fh)
            if ino is None:
                return 0
            r = self.dirty.pop(ino, None)
            if r is None:
                return 0
            src = os.open("/proc/self/fd/%d" % fh, os.O_RDONLY)  # the handle may be write-only
            dst = os.open(self.ino_file(ino), os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                size = os.fstat(src).st_size
                os.ftruncate(dst, size)
                pos, end = r[0], min(r[1], size)
                while pos < end:
                    b = os.pread(src, min(1 << 20, end - pos), pos)
                    if not b:
                        break
                    os.pwrite(dst, b, pos)
                    pos += len(b)
            finally:
                os.close(src)
                os.close(dst)
        return 0

    def fsyncdir(self, path, datasync, fh):
        """The directory's durable entries (regular files) become its visible ones."""
        self.slow_disk()
        with self.mu:
            if self.frozen():
                raise OSError(errno.EIO, "power lost during the fsync")
            vdir, ddir = self.vp(path), self.dp(path)
            os.makedirs(ddir, exist_ok=True)
            vis = {}
            for n in os.listdir(vdir):
                st = os.lstat(os.path.join(vdir, n))
                if not os.path.isdir(os.path.join(vdir, n)):
                    vis[n] = st.st_ino
            for n in os.listdir(ddir):
                if path == "/" and n == INODES:
                    continue
                p = os.path.join(ddir, n)
                if os.path.isdir(p) and not os.path.islink(p):
                    continue
                want = vis.get(n)
                if want is None or not self.same(p, want):
                    os.unlink(p)
            for n, ino in vis.items():
                p = os.path.join(ddir, n)
                if os.path.lexists(p):
                    continue
                f = self.ino_file(ino)
                if not os.path.exists(f):
                    open(f, "wb").close()
                os.link(f, p)
        return 0

    def same(self, durable_name, ino):
        try:
            return os.stat(durable_name).st_ino == os.stat(self.ino_file(ino)).st_ino
        except FileNotFoundError:
            return False


def delay_ms(state):
    """The mount's fsync delay in milliseconds (0 when unset or unreadable)."""
    try:
        with open(os.path.join(state, DELAY)) as f:
            return max(0, min(MAX_DELAY_MS, int(f.read().strip() or "0")))
    except (OSError, ValueError):
        return 0


def cmd_slow(mount, state, ms):
    if not mounted(mount):
        die(mount + " is not mounted; skv-lazyfs mount it first", 1)
    if ms is not None:
        try:
            n = int(ms)
        except ValueError:
            n = -1
        if n < 0 or n > MAX_DELAY_MS:
            die("bad fsync delay '%s': milliseconds from 0 to %d (0: normal speed)" % (ms, MAX_DELAY_MS), 2)
        p = os.path.join(state, DELAY)
        if n == 0:
            if os.path.exists(p):
                os.unlink(p)
        else:
            with open(p + ".tmp", "w") as f:
                f.write("%d\n" % n)
            os.rename(p + ".tmp", p)
    print("fsync delay %d ms" % delay_ms(state))


def rebuild(state):
    """The visible tree := the durable names with their durable data; inode links renewed; normal
    disk speed, not frozen."""
    visible, durable = os.path.join(state, "visible"), os.path.join(state, "durable")
    for marker in (DELAY, FROZEN):
        if os.path.exists(os.path.join(state, marker)):
            os.unlink(os.path.join(state, marker))
    os.makedirs(durable, exist_ok=True)
    shutil.rmtree(visible, ignore_errors=True)
    os.makedirs(visible)
    inodes = os.path.join(durable, INODES)
    shutil.rmtree(inodes, ignore_errors=True)
    os.makedirs(inodes)
    for root, dirs, files in os.walk(durable):
        rel = os.path.relpath(root, durable)
        if rel == INODES or rel.startswith(INODES + os.sep):
            continue
        if root == durable:
            dirs[:] = [d for d in dirs if d != INODES]
        for d in dirs:
            os.makedirs(os.path.join(visible, rel, d), exist_ok=True)
        for f in files:
            src = os.path.join(root, f)
            dst = os.path.join(visible, rel, f)
            shutil.copyfile(src, dst)
            os.link(src, os.path.join(inodes, str(os.stat(dst).st_ino)))


def losses(state):
    """What a drop is about to lose: visible files whose durable name is missing or shorter."""
    visible, durable = os.path.join(state, "visible"), os.path.join(state, "durable")
    files = nbytes = names = 0
    for root, dirs, fs in os.walk(visible):
        rel = os.path.relpath(root, visible)
        for f in fs:
            size = os.lstat(os.path.join(root, f)).st_size
            d = os.path.normpath(os.path.join(durable, rel, f))
            if not os.path.exists(d):
                names += 1
                nbytes += size
            elif os.stat(d).st_size != size or not same_bytes(os.path.join(root, f), d):
                files += 1
                nbytes += abs(size - os.stat(d).st_size)
    return "lost %d byte(s): %d file(s) changed since their last fsync, %d name(s) not durable" % (nbytes, files, names)


def same_bytes(a, b):
    with open(a, "rb") as x, open(b, "rb") as y:
        while True:
            p, q = x.read(1 << 20), y.read(1 << 20)
            if p != q:
                return False
            if not p:
                return True


def proc_start(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return None if fields[0] in ("Z", "X") else fields[19]
    except (OSError, IndexError):
        return None


def unmount(mount, lazy=False):
    tool = ["fusermount3", "-u"] + (["-z"] if lazy else []) if shutil.which("fusermount3") \
        else ["umount"] + (["-l"] if lazy else [])
    return subprocess.run(tool + [mount], capture_output=True, text=True)


def serve(mount, state, watch_pid, watch_start):
    warnings.simplefilter("ignore", DeprecationWarning)  # fusepy's note on float times in utimens
    import fusepy
    fs = LazyFs(os.path.join(state, "visible"), os.path.join(state, "durable"))
    if watch_pid:
        def watch():
            while proc_start(watch_pid) == watch_start:
                time.sleep(1)
            unmount(mount, lazy=True)
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    fusepy.FUSE(fs, mount, foreground=True, nothreads=False, fsname="skv-lazyfs", raw_fi=False)


def pidfile(state):
    return os.path.join(state, "daemon.pid")


def cmd_mount(mount, state, watch_pid=None, watch_start=None):
    why = unavailable()
    if why:
        die(why)
    if mounted(mount):
        die(mount + " is mounted already; skv-lazyfs umount it first", 1)
    os.makedirs(mount, exist_ok=True)
    rebuild(state)
    log = open(os.path.join(state, "daemon.log"), "ab")
    args = [sys.executable, os.path.abspath(__file__), "serve", mount, state]
    if watch_pid:
        args += ["--watch-pid", str(watch_pid), "--watch-start", watch_start]
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    with open(pidfile(state), "w") as f:
        f.write("%d\n" % p.pid)
    for _ in range(200):
        if mounted(mount):
            return
        if p.poll() is not None:
            die("the daemon exited (%d) before mounting %s; see %s" % (p.returncode, mount,
                                                                       os.path.join(state, "daemon.log")), 1)
        time.sleep(0.05)
    p.kill()
    die("%s not mounted after 10 s" % mount, 1)


def cmd_umount(mount, state, busy_ok=True):
    if mounted(mount):
        r = unmount(mount)
        if r.returncode != 0:
            if not busy_ok:
                die("cannot unmount %s: %s (a process still uses it)" % (mount, r.stderr.strip()), 1)
            unmount(mount, lazy=True)
    try:
        pid = int(open(pidfile(state)).read().strip())
    except (OSError, ValueError):
        pid = None
    if pid:
        for _ in range(100):
            if proc_start(pid) is None:
                break
            time.sleep(0.05)
        else:
            try:
                cmd = open("/proc/%d/cmdline" % pid).read()
                if "skv-lazyfs" in cmd and "serve" in cmd:
                    os.kill(pid, 9)
            except OSError:
                pass
        try:
            os.unlink(pidfile(state))
        except OSError:
            pass
    if mounted(mount):
        die("%s is still mounted" % mount, 1)


def main(argv):
    if not argv:
        die("usage: skv-lazyfs check | mount MOUNT STATE [--watch-pid PID --watch-start T] | umount MOUNT STATE"
            " | drop MOUNT STATE | freeze MOUNT STATE | status MOUNT | slow MOUNT STATE [MS]", 2)
    op = argv[0]
    if op == "check":
        why = unavailable()
        if why:
            die(why)
        print("ok")
    elif op in ("mount", "serve", "drop") and len(argv) in (3, 7):
        watch_pid = watch_start = None
        if len(argv) == 7:
            if argv[3] != "--watch-pid" or argv[5] != "--watch-start":
                die("bad arguments: " + " ".join(argv), 2)
            watch_pid, watch_start = int(argv[4]), argv[6]
        mount, state = os.path.abspath(argv[1]), os.path.abspath(argv[2])
        if op == "drop":
            # Freeze first: an fsync still waiting on a slow disk must not make anything durable now.
            open(os.path.join(state, FROZEN), "w").close()
            cmd_umount(mount, state, busy_ok=False)
            print(losses(state))
        (serve if op == "serve" else cmd_mount)(mount, state, watch_pid, watch_start)
    elif op == "umount" and len(argv) == 3:
        cmd_umount(os.path.abspath(argv[1]), os.path.abspath(argv[2]))
    elif op == "freeze" and len(argv) == 3:
        mount, state = os.path.abspath(argv[1]), os.path.abspath(argv[2])
        if not mounted(mount):
            die(mount + " is not mounted; nothing to freeze", 1)
        open(os.path.join(state, FROZEN), "w").close()
        print("frozen")
    elif op == "slow" and len(argv) in (3, 4):
        cmd_slow(os.path.abspath(argv[1]), os.path.abspath(argv[2]), argv[3] if len(argv) == 4 else None)
    elif op == "status" and len(argv) == 2:
        print("mounted" if mounted(os.path.abspath(argv[1])) else "not-mounted")
    else:
        die("bad arguments: " + " ".join(argv), 2)


if __name__ == "__main__":
    main(sys.argv[1:])
