package io.shardkv.server.process;

import io.shardkv.server.raft.Membership;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each server of the cluster listens, as this process knows it (docs/membership.md,
 * "Addresses"): the config file's {@code server} lines seed it; the addresses that the replicated
 * membership configurations of the groups this process hosts carry ({@link Membership#addresses()},
 * put there by {@code ctl add-replica G S --address HOST:PORT}) are learnt as those configurations
 * take effect here, and then win over the file.
 *
 * <p>Why the replicated address wins: every replica of a group must send the group's messages to the
 * same host for a server id, and the configuration is the one value all of them agree on (it was
 * checked by the added server itself, which refuses an address that is not its own, {@link
 * ReplicaMembership#host}); config files are per-host copies, and the file of the newest host in
 * particular is a copy that may be stale. A server that no configuration carries an address for is
 * found through the file, as before issue 16 (so re-addressing a seed server still works by editing
 * every file and restarting). One process keeps one address per server id for all its groups: if two
 * configurations disagree (only possible if an id was reused at two hosts, which add-replica
 * refuses), the one learnt last wins and a warning names both.
 *
 * <p>Threads: {@link #learn} runs on the event loop; lookups run on any thread.
 */
final class AddressBook {
  private static final Logger log = LoggerFactory.getLogger(AddressBook.class);

  /** One server's addresses and where they come from ({@code source}: "the config file" or "group G's configuration"). */
  record Entry(int id, String address, String adminAddress, String source) {
    boolean fromFile() {
      return source.equals(FILE);
    }

    /** Resolves the host (a DNS lookup for a name; done once, when the link is made). */
    InetSocketAddress socketAddress() {
      int c = address.lastIndexOf(':');
      return new InetSocketAddress(address.substring(0, c), Integer.parseInt(address.substring(c + 1)));
    }
  }

  static final String FILE = "the config file";

  private final int self;
  private final SortedMap<Integer, ClusterConfig.Server> file;
  /** Addresses learnt from replicated configurations, by server id (written on the loop thread only). */
  private final ConcurrentSkipListMap<Integer, Entry> learnt = new ConcurrentSkipListMap<>();

  AddressBook(int self, SortedMap<Integer, ClusterConfig.Server> file) {
    this.self = self;
    this.file = file;
  }

  /** Server {@code id}'s addresses: the replicated ones if some configuration carried them, else its file line; null if neither. */
  Entry get(int id) {
    Entry e = learnt.get(id);
    if (e != null) return e;
    ClusterConfig.Server s = file.get(id);
    return s == null ? null : new Entry(id, s.address(), s.adminAddress(), FILE);
  }

  /** The server whose client/peer address is {@code address}, or null. */
  Entry byAddress(String address) {
    for (int id : ids()) {
      Entry e = get(id);
      if (e.address().equals(address)) return e;
    }
    return null;
  }

  /** Every server id known, from the file or learnt, ascending. */
  SortedSet<Integer> ids() {
    TreeSet<Integer> ids = new TreeSet<>(file.keySet());
    ids.addAll(learnt.keySet());
    return ids;
  }

  /**
   * Loop thread: learns the addresses group {@code group}'s configuration {@code m} carries (it just
   * took effect here: appended, restored from a snapshot, or loaded at start). Returns the entries
   * that are new or changed (the caller points the peer links there). This server's own entry is
   * never changed: it listens where its file line says.
   */
  List<Entry> learn(int group, Membership m) {
    List<Entry> changed = new ArrayList<>();
    for (Map.Entry<Integer, Membership.Address> a : m.addresses().entrySet()) {
      int id = a.getKey();
      Entry now = new Entry(id, a.getValue().peer(), a.getValue().admin(), "group " + group + "'s configuration");
      if (id == self) {
        ClusterConfig.Server mine = file.get(id);
        if (mine != null && !mine.address().equals(now.address())) {
          log.warn("group {}'s configuration says this server ({}) is at {}, but it listens at {} (its config file line);"
              + " the other servers will not reach it: give the host a new server id (docs/membership.md)", group, id,
              now.address(), mine.address());
        }
        continue;
      }
      Entry before = get(id);
      if (before != null && before.address().equals(now.address()) && before.adminAddress().equals(now.adminAddress())) {
        if (before.fromFile()) learnt.put(id, now); // the same place: no link to move, but it is replicated now
        continue;
      }
      learnt.put(id, now);
      changed.add(now);
      if (before == null) {
        log.info("learnt server {}'s address {} (admin {}) from {}", id, now.address(), now.adminAddress(), now.source());
      } else {
        log.warn("server {}: {} says {} (admin {}), {} said {} (admin {}); using {} (the replicated address wins,"
            + " docs/membership.md)", id, now.source(), now.address(), now.adminAddress(), before.source(), before.address(),
            before.adminAddress(), now.address());
      }
    }
    return changed;
  }
}
