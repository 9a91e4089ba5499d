package io.shardkv.chaos.control;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import io.shardkv.chaos.ChaosException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OpenSSH's {@code StrictHostKeyChecking=accept-new} over one known_hosts file: the key of a host
 * seen for the first time is recorded and accepted; a host whose key differs from the recorded one
 * is refused (jsch then throws {@code JSchChangedHostKeyException}). Share one instance among all
 * the sessions of a run: each instance keeps the whole file in memory and rewrites it on every
 * addition.
 */
public final class AcceptNewHostKeys implements HostKeyRepository {
  private final Path file;
  private final HostKeyRepository known;

  public AcceptNewHostKeys(Path file) {
    this.file = file.toAbsolutePath();
    try {
      Files.createDirectories(this.file.getParent());
      if (!Files.exists(this.file)) Files.createFile(this.file); // jsch writes only into an existing file
      JSch j = new JSch();
      j.setKnownHosts(this.file.toString());
      this.known = j.getHostKeyRepository();
    } catch (IOException | JSchException e) {
      throw new ChaosException("cannot use " + this.file + " as the run's known_hosts file: " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized int check(String host, byte[] key) {
    int r = known.check(host, key);
    if (r != NOT_INCLUDED) return r;
    try {
      known.add(new HostKey(host, key), null);
    } catch (JSchException e) {
      return NOT_INCLUDED; // a key type jsch cannot record: jsch refuses the host as unknown
    }
    return OK;
  }

  @Override
  public synchronized void add(HostKey hostkey, UserInfo ui) {
    known.add(hostkey, ui);
  }

  @Override
  public synchronized void remove(String host, String type) {
    known.remove(host, type);
  }

  @Override
  public synchronized void remove(String host, String type, byte[] key) {
    known.remove(host, type, key);
  }

  @Override
  public String getKnownHostsRepositoryID() {
    return known.getKnownHostsRepositoryID();
  }

  @Override
  public synchronized HostKey[] getHostKey() {
    return known.getHostKey();
  }

  @Override
  public synchronized HostKey[] getHostKey(String host, String type) {
    return known.getHostKey(host, type);
  }
}
