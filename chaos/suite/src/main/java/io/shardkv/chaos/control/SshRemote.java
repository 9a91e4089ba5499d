package io.shardkv.chaos.control;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import io.shardkv.chaos.ChaosException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Remote} over SSH (jsch). One session per host, opened on first use and reopened after it
 * drops; each command gets a channel of its own, so commands may run concurrently.
 *
 * <p>Root: a root login runs commands directly; any other user runs them through {@code sudo -n}
 * (no password prompt: the user needs passwordless sudo, checked once when the session opens).
 * Retries: a failure to connect or to open a channel (the command has not started) is retried
 * {@link Settings#attempts()} times with backoff; a session lost while a command runs is not (the
 * command may have run). Authentication failures, unknown host names and changed host keys are not
 * transient and fail at once, each with its own message.
 */
public final class SshRemote implements Remote {
  private static final Logger log = LoggerFactory.getLogger(SshRemote.class);

  /**
   * @param hostKeys the run's known_hosts (accept-new), shared by all sessions of the run
   * @param connectTimeout TCP connect + SSH handshake limit of one attempt
   * @param attempts how many times a connection (or channel) is tried before giving up
   * @param backoff the first pause between attempts (doubled each time, at most 2 s)
   */
  public record Settings(AcceptNewHostKeys hostKeys, Duration connectTimeout, int attempts, Duration backoff) {
    public static Settings defaults(Path knownHosts) {
      return new Settings(new AcceptNewHostKeys(knownHosts), Duration.ofSeconds(10), 5, Duration.ofMillis(200));
    }

    public Settings withAttempts(int n) {
      return new Settings(hostKeys, connectTimeout, n, backoff);
    }

    public Settings withConnectTimeout(Duration d) {
      return new Settings(hostKeys, d, attempts, backoff);
    }
  }

  private final Host host;
  private final Settings settings;
  private final boolean root;
  private Session session; // guarded by this
  private boolean closed; // guarded by this

  private SshRemote(Host host, Settings settings) {
    this.host = host;
    this.settings = settings;
    this.root = "root".equals(host.user());
  }

  /** Connects now, so that a wrong key, name or sudo setup is reported before anything else runs. */
  public static SshRemote connect(Host host, Settings settings) {
    SshRemote r = new SshRemote(host, settings);
    r.session();
    return r;
  }

  @Override
  public Host host() {
    return host;
  }

  private String where() {
    return host.user() + "@" + host.address() + ":" + host.sshPort() + " (" + host.name() + ")";
  }

  // ------------------------------------------------------------------ sessions

  private synchronized Session session() {
    if (closed) throw new ChaosException("SSH to " + where() + " was already closed");
    if (session != null && session.isConnected()) return session;
    session = null;
    Duration pause = settings.backoff();
    ChaosException last = null;
    for (int attempt = 1; attempt <= Math.max(1, settings.attempts()); attempt++) {
      try {
        Session s = open();
        if (!root) checkSudo(s);
        session = s;
        return s;
      } catch (Transient t) {
        last = t.failure;
        log.trace("ssh {}: attempt {} failed: {}", where(), attempt, t.failure.getMessage());
      }
      if (attempt < settings.attempts()) {
        sleep(pause);
        pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : pause.multipliedBy(2);
      }
    }
    throw new ChaosException(last.getMessage() + " (gave up after " + settings.attempts() + " attempts)", last.getCause());
  }

  /** A failure worth another attempt, carrying the message to give if none succeeds. */
  private static final class Transient extends Exception {
    final ChaosException failure;

    Transient(ChaosException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  private Session open() throws Transient {
    JSch jsch = new JSch();
    jsch.setHostKeyRepository(settings.hostKeys());
    for (Path key : identities()) {
      try {
        jsch.addIdentity(key.toString());
      } catch (JSchException e) {
        throw new ChaosException("SSH to " + where() + ": cannot use private key " + key + ": " + e.getMessage()
            + " (an unencrypted OpenSSH or PEM key is needed)", e);
      }
    }
    Session s;
    try {
      s = jsch.getSession(host.user(), host.address(), host.sshPort());
    } catch (JSchException e) {
      throw new ChaosException("SSH to " + where() + ": " + e.getMessage(), e);
    }
    s.setConfig("StrictHostKeyChecking", "yes"); // with AcceptNewHostKeys: accept-new
    s.setConfig("PreferredAuthentications", "publickey");
    try {
      s.setServerAliveInterval(5000);
      s.setServerAliveCountMax(6);
      s.connect((int) settings.connectTimeout().toMillis());
      return s;
    } catch (JSchException e) {
      s.disconnect();
      throw classify(e);
    }
  }

  private List<Path> identities() {
    if (host.keyFile() != null) {
      if (!Files.isReadable(host.keyFile())) {
        throw new ChaosException("SSH to " + where() + ": private key " + host.keyFile() + " does not exist or is not readable");
      }
      return List.of(host.keyFile());
    }
    List<Path> keys = new ArrayList<>();
    Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
    for (String n : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
      if (Files.isReadable(ssh.resolve(n))) keys.add(ssh.resolve(n));
    }
    if (keys.isEmpty()) {
      throw new ChaosException("SSH to " + where() + ": no key file given and none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa exists;"
          + " give one (nodes file: 4th field; --nodes: the key option)");
    }
    return keys;
  }

  /** Turns a connect failure into a message that says what to do; transient ones are wrapped. */
  private Transient classify(JSchException e) throws ChaosException {
    Throwable c = e.getCause();
    String m = String.valueOf(e.getMessage());
    if (e instanceof JSchChangedHostKeyException) {
      throw new ChaosException("SSH to " + where() + ": the host key differs from the one recorded in "
          + settings.hostKeys().file() + " (a reinstalled host, or someone in between). If the host was"
          + " reinstalled, delete its line from that file and run again.", e);
    }
    if (e instanceof JSchHostKeyException) {
      throw new ChaosException("SSH to " + where() + ": host key refused (" + m + "); known_hosts file "
          + settings.hostKeys().file(), e);
    }
    if (c instanceof UnknownHostException) {
      throw new ChaosException("SSH to " + where() + ": unknown host '" + host.address()
          + "' (the name does not resolve); check the address in the host list", e);
    }
    if (m.startsWith("Auth fail") || m.startsWith("Auth cancel") || m.contains("USERAUTH fail")) {
      throw new ChaosException("SSH to " + where() + ": the host refused the key "
          + (host.keyFile() != null ? host.keyFile() : "(default keys in ~/.ssh)") + " for user '" + host.user()
          + "'; add its public key to that user's authorized_keys on the host (" + m + ")", e);
    }
    if (c instanceof ConnectException) {
      return new Transient(new ChaosException("SSH to " + where() + ": connection refused: nothing listens on "
          + host.address() + ":" + host.sshPort() + " (is sshd running there, on that port?)", e));
    }
    if (c instanceof NoRouteToHostException) {
      return new Transient(new ChaosException("SSH to " + where() + ": no route to host " + host.address()
          + " (down, or not on this network)", e));
    }
    if (c instanceof SocketTimeoutException || m.contains("timeout")) {
      return new Transient(new ChaosException("SSH to " + where() + ": no answer within "
          + settings.connectTimeout().toSeconds() + " s (host down or packets dropped on the way)", e));
    }
    if (c instanceof SocketException || c instanceof IOException || m.contains("session is down")
        || m.contains("Connection reset") || m.contains("connection is closed")) {
      return new Transient(new ChaosException("SSH to " + where() + ": connection failed: " + m, e));
    }
    throw new ChaosException("SSH to " + where() + ": " + m, e);
  }

  private void checkSudo(Session s) throws Transient {
    Result r = run(s, "sudo -n true", "sudo -n true", Duration.ofSeconds(20));
    if (!r.ok()) {
      throw new ChaosException("SSH to " + where() + ": user '" + host.user() + "' cannot run commands as root:"
          + " 'sudo -n true' failed (" + said(r) + "). Connect as root, or give the user"
          + " passwordless sudo (e.g. '" + host.user() + " ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/)");
    }
  }

  private synchronized void dropSession(Session s) {
    if (session == s) session = null;
    s.disconnect();
  }

  // ------------------------------------------------------------------ commands

  @Override
  public Result exec(String command, Duration timeout) {
    String line = root ? "sh -c " + Shell.quote(command) : "sudo -n sh -c " + Shell.quote(command);
    log.trace("{}: {}", host.name(), command);
    for (int attempt = 1; ; attempt++) {
      Session s = session();
      try {
        return run(s, line, command, timeout);
      } catch (Transient t) {
        dropSession(s);
        if (attempt >= settings.attempts()) throw t.failure;
        sleep(settings.backoff());
      }
    }
  }

  /**
   * Runs one command line on an open session ({@code shown} names it in errors); {@link Transient}
   * only if the command did not start.
   */
  private Result run(Session s, String line, String shown, Duration timeout) throws Transient {
    ChannelExec ch;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      ch = (ChannelExec) s.openChannel("exec");
      ch.setCommand(line);
      ch.setInputStream(null);
      ch.setOutputStream(out, true);
      ch.setErrStream(err, true);
      ch.connect((int) settings.connectTimeout().toMillis());
    } catch (JSchException e) {
      throw new Transient(new ChaosException("SSH to " + where() + ": cannot start a command: " + e.getMessage(), e));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = 1;
    try {
      while (!ch.isClosed()) {
        if (!s.isConnected()) {
          throw new ChaosException("SSH to " + where() + ": connection lost while running '" + abbreviate(shown)
              + "'; it may or may not have run");
        }
        if (System.nanoTime() > deadline) {
          throw new ChaosException("SSH to " + where() + ": '" + abbreviate(shown) + "' did not finish within "
              + timeout.toMillis() + " ms");
        }
        sleepMs(pauseMs);
        pauseMs = Math.min(20, pauseMs * 2);
      }
      return new Result(ch.getExitStatus(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      ch.disconnect();
    }
  }

  @Override
  public String execOk(String command, Duration timeout) {
    Result r = exec(command, timeout);
    if (!r.ok()) {
      String detail = r.stderr().isBlank() ? r.stdout() : r.stderr();
      throw new ChaosException("on " + host.name() + " (" + host.address() + "): '" + abbreviate(command)
          + "' exited with status " + r.exitStatus() + ": " + detail.strip());
    }
    return r.stdout();
  }

  // ------------------------------------------------------------------ files

  @Override
  public void upload(Path local, String remotePath) {
    if (!Files.isRegularFile(local)) throw new ChaosException("upload to " + host.name() + ": no local file " + local);
    String target = root ? remotePath : "/tmp/.shardkv-upload-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    sftp(sftp -> sftp.put(local.toString(), target), "upload " + local + " to " + remotePath);
    if (!root) execOk("mv -f " + Shell.quote(target) + " " + Shell.quote(remotePath) + " && chown root: "
        + Shell.quote(remotePath), Duration.ofSeconds(60));
  }

  @Override
  public void download(String remotePath, Path local) {
    try {
      if (local.toAbsolutePath().getParent() != null) Files.createDirectories(local.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new ChaosException("download from " + host.name() + ": cannot create " + local.getParent() + ": " + e.getMessage(), e);
    }
    String source = remotePath;
    if (!root) {
      source = "/tmp/.shardkv-download-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
      execOk("cp " + Shell.quote(remotePath) + " " + Shell.quote(source) + " && chown " + Shell.quote(host.user())
          + " " + Shell.quote(source), Duration.ofSeconds(60));
    }
    String from = source;
    try {
      sftp(sftp -> sftp.get(from, local.toString()), "download " + remotePath + " to " + local);
    } finally {
      if (!root) exec("rm -f " + Shell.quote(from), Duration.ofSeconds(30));
    }
  }

  private interface SftpAction {
    void run(ChannelSftp sftp) throws SftpException;
  }

  private void sftp(SftpAction action, String what) {
    for (int attempt = 1; ; attempt++) {
      Session s = session();
      ChannelSftp ch;
      try {
        ch = (ChannelSftp) s.openChannel("sftp");
        ch.connect((int) settings.connectTimeout().toMillis());
      } catch (JSchException e) {
        dropSession(s);
        if (attempt >= settings.attempts()) {
          throw new ChaosException("SSH to " + where() + ": cannot open SFTP (is the sftp subsystem enabled in sshd?): "
              + e.getMessage(), e);
        }
        sleep(settings.backoff());
        continue;
      }
      try {
        action.run(ch);
        return;
      } catch (SftpException e) {
        throw new ChaosException("on " + host.name() + ": " + what + " failed: " + e.getMessage(), e);
      } finally {
        ch.disconnect();
      }
    }
  }

  // ------------------------------------------------------------------ misc

  @Override
  public synchronized void close() {
    closed = true;
    if (session != null) session.disconnect();
    session = null;
  }

  @Override
  public String toString() {
    return "ssh " + where();
  }

  /** What a failed command said, stderr then stdout, on one line (the last three lines at most). */
  private static String said(Result r) {
    List<String> lines = new ArrayList<>();
    (r.stderr() + "\n" + r.stdout()).lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(lines::add);
    if (lines.isEmpty()) return "exit status " + r.exitStatus() + ", no output";
    return String.join("; ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
  }

  private static String abbreviate(String s) {
    String t = s.replace('\n', ' ');
    return t.length() <= 160 ? t : t.substring(0, 157) + "...";
  }

  private static void sleep(Duration d) {
    sleepMs(d.toMillis());
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChaosException("interrupted", e);
    }
  }
}
