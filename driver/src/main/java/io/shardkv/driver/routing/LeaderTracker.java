package io.shardkv.driver.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which server of a Raft group to try next: the last one known to be leader, moved by leader hints
 * and rotated through the list when a server fails to answer or is not the leader and gives no hint.
 * Shared by every call to that group, so a leader found by one call serves all others.
 *
 * <p>A hint naming a server outside the list is followed too, and that server joins the list: one
 * reachable member is enough to find the leader (issue 11, item 3; etcd's clients do the same), e.g.
 * a client given only a follower's address of the config center. {@link #learn} adds the members a
 * server reports, so that the client keeps working when the one address it was given goes down.
 */
public final class LeaderTracker {
  private final List<String> servers;
  private final List<String> view;
  private int current;

  public LeaderTracker(List<String> servers) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one server");
    }
    this.servers = new ArrayList<>(List.copyOf(servers));
    this.view = Collections.unmodifiableList(this.servers);
  }

  /** The servers given, then those learned from hints, in the order learned (read-only view). */
  public List<String> servers() {
    return view;
  }

  /** The server to send the next attempt to. */
  public String current() {
    return servers.get(current);
  }

  /** {@code server} answered as leader: keep using it. */
  public void onLeaderAnswered(String server) {
    int i = servers.indexOf(server);
    if (i >= 0) {
      current = i;
    }
  }

  /**
   * {@code server} said it is not the leader. A hint naming another server moves there (returns
   * true), adding it to the list if it was not on it; no hint, or a hint naming the same server,
   * rotates to the next one.
   */
  public boolean onWrongLeader(String server, String hint) {
    if (hint != null && !hint.isEmpty() && !hint.equals(server) && !servers.contains(hint)) {
      servers.add(hint);
    }
    int i = hint == null ? -1 : servers.indexOf(hint);
    if (i >= 0 && !hint.equals(server)) {
      current = i;
      return true;
    }
    rotatePast(server);
    return false;
  }

  /**
   * Adds the servers of {@code members} not on the list yet (at its end, in the order given), e.g.
   * the config center's members as one of them reported them (STATUS {@code members}); the server
   * in use does not change. Returns how many were added.
   */
  public int learn(List<String> members) {
    int added = 0;
    for (String m : members) {
      if (!m.isEmpty() && !servers.contains(m)) {
        servers.add(m);
        added++;
      }
    }
    return added;
  }

  /** {@code server} did not answer (timeout, connection error): try the next one. */
  public void onNoAnswer(String server) {
    rotatePast(server);
  }

  private void rotatePast(String server) {
    // Only move if nobody moved the tracker since this attempt was sent.
    if (servers.get(current).equals(server)) {
      current = (current + 1) % servers.size();
    }
  }
}
