package io.shardkv.chaos.nemesis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The membership admin endpoints of docs/membership.md as the {@code member} nemesis uses them (what
 * {@code bin/shardkv ctl add-replica|promote|remove-replica|members} does): finds a group's leader by
 * asking every running server's {@code GET /members?group=G}, proposes one single-server change on
 * the leader's admin port, waits until the configuration it produced has committed. Every call is
 * bounded by a deadline (System.nanoTime); nothing here waits longer.
 */
final class MemberAdmin {
  /** Refusals worth retrying until the deadline: an election, a learner still catching up, a change in flight. */
  static final Set<String> TRANSIENT = Set.of("not_leader", "not_caught_up", "refused_now", "in_progress", "unavailable");

  /** A group's configuration as its leader reports it; addresses and admin addresses by member id. */
  record Members(int leader, long configIndex, boolean committed, List<Integer> voters, List<Integer> learners,
      Map<Integer, String> addresses, Map<Integer, String> admins) {
    /** Committed, and no learner waiting: the group is ready for the next change. */
    boolean settled() {
      return committed && learners.isEmpty();
    }

    List<String> voterAddresses() {
      return voters.stream().map(addresses::get).toList();
    }

    String leaderAdmin() {
      return admins.get(leader);
    }

    /** Parses a {@code /members} answer (ReplicaMembership.members). */
    static Members parse(Map<String, Object> j) {
      Map<Integer, String> addresses = new LinkedHashMap<>();
      Map<Integer, String> admins = new LinkedHashMap<>();
      if (j.get("members") instanceof List<?> ms) {
        for (Object o : ms) {
          if (o instanceof Map<?, ?> m) {
            int id = ((Number) m.get("id")).intValue();
            addresses.put(id, String.valueOf(m.get("address")));
            admins.put(id, String.valueOf(m.get("admin")));
          }
        }
      }
      return new Members(((Number) j.get("node")).intValue(), ((Number) j.get("config_index")).longValue(),
          Boolean.TRUE.equals(j.get("committed")), ids(j.get("voters")), ids(j.get("learners")), addresses, admins);
    }

    private static List<Integer> ids(Object o) {
      List<Integer> l = new ArrayList<>();
      if (o instanceof List<?> xs) xs.forEach(x -> l.add(((Number) x).intValue()));
      return List.copyOf(l);
    }
  }

  /** A POST's answer: HTTP code (0: no answer), the JSON {@code status} and {@code reason}, the body. */
  record Answer(int code, String status, String reason, Map<String, Object> json) {
    boolean accepted() {
      return code == 202;
    }

    long index() {
      return json.get("index") instanceof Number n ? n.longValue() : -1;
    }

    static Answer none(String status, String reason) {
      return new Answer(0, status, reason, Map.of());
    }
  }

  private final Supplier<Collection<String>> admins;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** @param admins the admin addresses of every server that runs (asked afresh on each search) */
  MemberAdmin(Supplier<Collection<String>> admins) {
    this.admins = admins;
  }

  /**
   * The leader's view of {@code group} now, or null if no server answering within 2 s says it leads
   * (a server answers {@code /members} from its event loop, which it waits for up to 2 s).
   */
  Members leaderOnce(int group) {
    List<CompletableFuture<Map<String, Object>>> fs = new ArrayList<>();
    for (String admin : admins.get()) {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + admin + "/members?group=" + group))
          .timeout(Duration.ofSeconds(2)).GET().build();
      fs.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> r.statusCode() == 200 ? ClusterStatus.parseJson(r.body()) : Map.<String, Object>of())
          .exceptionally(t -> Map.of()));
    }
    for (CompletableFuture<Map<String, Object>> f : fs) {
      Map<String, Object> j = f.join();
      if ("leader".equals(j.get("role"))) return Members.parse(j);
    }
    return null;
  }

  /** The leader's view of {@code group}, asked every 200 ms until the deadline; null if none led by then. */
  Members leader(int group, long deadline) {
    while (true) {
      Members m = leaderOnce(group);
      if (m != null || System.nanoTime() >= deadline) return m;
      sleep(200);
    }
  }

  /**
   * Proposes {@code POST path?group=G&server=S} to the group's leader, again while the refusal is
   * {@link #TRANSIENT} and the deadline allows; the last answer (202, a refusal for good, or the last
   * transient one).
   */
  Answer change(int group, String path, int server, long deadline) {
    Answer last = Answer.none("no_leader", "group " + group + " had no leader");
    while (true) {
      Members m = leader(group, deadline);
      if (m != null && m.leaderAdmin() != null) {
        last = post("http://" + m.leaderAdmin() + path + "?group=" + group + "&server=" + server);
        if (last.code() != 0 && !TRANSIENT.contains(last.status())) return last;
      }
      if (System.nanoTime() + 200_000_000L >= deadline) return last;
      sleep(200);
    }
  }

  /**
   * Waits until a leader reports a committed configuration at or after {@code index}; that
   * configuration (which may differ from the one proposed, if a leader change dropped the entry), or
   * null on timeout.
   */
  Members awaitCommitted(int group, long index, long deadline) {
    while (true) {
      Members m = leaderOnce(group);
      if (m != null && m.committed() && m.configIndex() >= index) return m;
      if (System.nanoTime() >= deadline) return null;
      sleep(100);
    }
  }

  /** Asks a removed server to stop its replica ({@code /retire-replica}): what happened. */
  String retire(String admin, int group) {
    Answer a = post("http://" + admin + "/retire-replica?group=" + group);
    return a.code() == 200 ? "retired" : "not retired: " + a.reason();
  }

  private Answer post(String url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      Map<String, Object> j;
      try {
        j = ClusterStatus.parseJson(r.body());
      } catch (IllegalArgumentException e) {
        j = Map.of();
      }
      return new Answer(r.statusCode(), String.valueOf(j.getOrDefault("status", "")),
          String.valueOf(j.getOrDefault("reason", r.body().strip())), j);
    } catch (IOException | IllegalArgumentException e) {
      return Answer.none("no_answer", url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.none("interrupted", "interrupted");
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
