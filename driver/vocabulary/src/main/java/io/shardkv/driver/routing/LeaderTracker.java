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
 *
 * <h2>Out of leads: asking a server for its members (endpoint sync, as etcd's clients)</h2>
 * A server removed from its group by a membership change, but still running, hears from no leader and
 * answers WRONG_LEADER without a hint; a client that knows only such servers would rotate among them
 * for ever. So the tracker counts the attempts that gave no lead (no answer, or WRONG_LEADER without a
 * usable hint) since the last lead or the last ask; once that count covers every server on the list
 * (a full round), {@link #membersSource} names the last server that <em>answered</em> in it (so is up),
 * to be asked for the members it knows (STATUS {@code members}, docs/protocol.md §5.3: its Raft
 * configuration — a removed member's is the last one it applied, without itself). {@link #onMembers}
 * adds the unknown ones and moves to the first of them. Asked at most once a full round, and only of a
 * server that answered: the extra request costs nothing while leaders are found.
 */
public final class LeaderTracker {
  private final List<String> seeds;
  private final List<String> servers;
  private final List<String> view;
  private int current;
  /** Attempts without a lead since the last lead, the last ask or the last member learned. */
  private int missesSinceAsk;
  /** The last server that answered without a lead since then (it is up), or null. */
  private String lastAnswered;

  public LeaderTracker(List<String> servers) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one server");
    }
    this.seeds = List.copyOf(servers);
    this.servers = new ArrayList<>(seeds);
    this.view = Collections.unmodifiableList(this.servers);
  }

  /** The servers this tracker was created with (without those learned since). */
  public List<String> seeds() {
    return seeds;
  }

  /** The servers given, then those learned from hints, in the order learned (read-only view). */
  public List<String> servers() {
    return view;
  }

  /** The server to send the next attempt to. */
  public String current() {
    return servers.get(current);
  }

  /**
   * The server of this group that {@code home} names, or null: the one whose address is exactly
   * {@code home} ({@code HOST:PORT}), else the first whose host part ({@code HOST}, the address without
   * its {@code :PORT}) is {@code home}. Null when {@code home} is null or names none of them. Does not
   * move the tracker: a home-bound call asks its home first and the tracker's choice only after that
   * ({@link ShardRouter#home()}).
   */
  public String homeServer(String home) {
    if (home == null || home.isEmpty()) {
      return null;
    }
    if (servers.contains(home)) {
      return home;
    }
    for (String s : servers) {
      int c = s.lastIndexOf(':');
      if (c > 0 && s.substring(0, c).equals(home)) {
        return s;
      }
    }
    return null;
  }

  /** {@code server} answered as leader: keep using it. */
  public void onLeaderAnswered(String server) {
    int i = servers.indexOf(server);
    if (i >= 0) {
      current = i;
    }
    foundLead();
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
      foundLead();
      return true;
    }
    missesSinceAsk++;
    lastAnswered = server;
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

  /**
   * {@code server} answered WRONG_GROUP: it does not serve the shard under its configuration. Try the
   * next server next time; not a miss (the server is up and the call fetches a configuration anyway).
   */
  public void onWrongGroup(String server) {
    rotatePast(server);
  }

  /** {@code server} did not answer (timeout, connection error): try the next one. */
  public void onNoAnswer(String server) {
    missesSinceAsk++;
    rotatePast(server);
  }

  /**
   * The server to ask for its members now, or null: non-null once the attempts without a lead since
   * the last lead or ask cover the whole list and one of them was answered (that server is named: it
   * is up). Naming it counts as asking: the next is named after another full round without a lead.
   */
  public String membersSource() {
    if (missesSinceAsk < servers.size() || lastAnswered == null) {
      return null;
    }
    String s = lastAnswered;
    missesSinceAsk = 0;
    lastAnswered = null;
    return s;
  }

  /**
   * The members a server reported when asked ({@link #membersSource}): those not on the list join it
   * (at its end) and the next attempt goes to the first of them. Returns true if any was new.
   */
  public boolean onMembers(List<String> members) {
    int before = servers.size();
    if (learn(members) == 0) {
      return false;
    }
    current = before;
    foundLead();
    return true;
  }

  private void foundLead() {
    missesSinceAsk = 0;
    lastAnswered = null;
  }

  private void rotatePast(String server) {
    // Only move if nobody moved the tracker since this attempt was sent.
    if (servers.get(current).equals(server)) {
      current = (current + 1) % servers.size();
    }
  }
}
