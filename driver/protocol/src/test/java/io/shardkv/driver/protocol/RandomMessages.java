package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/** Seeded generator of valid messages of every type, for round-trip and fuzz tests. */
final class RandomMessages {
  private final Random random;

  RandomMessages(long seed) {
    this.random = new Random(seed);
  }

  Random random() { return random; }

  /** One example of every request, reply-body and error kind, with edge-case values. */
  static List<Message> everyKind() {
    List<Message> all = new ArrayList<>();
    all.add(new Request.Get(1, 2, "k"));
    all.add(new Request.Get(Long.MIN_VALUE, Long.MAX_VALUE, ""));
    all.add(new Request.Put(7, 8, "key", "välue ☃ 𝄞"));
    all.add(new Request.Append(7, 9, "key", ""));
    all.add(new Request.Cas(7, 10, "key", "old", "new"));
    all.add(new Request.Cas(7, 11, "key", null, "first"));
    all.add(new Request.Delete(7, 12, "key"));
    all.add(new Request.Join(3, 1, new TreeMap<>(Map.of(100, List.of("a:1", "b:2"), 101, List.of()))));
    all.add(new Request.Join(3, 2, new TreeMap<>()));
    all.add(new Request.Leave(3, 3, List.of(100, -5)));
    all.add(new Request.Move(3, 4, 9, 101));
    all.add(new Request.Move(3, 5, 9, 101, true));
    all.add(new Request.Scan(0, "", null, 1));
    all.add(new Request.Scan(65535, "user:", "user:17", 1000));
    all.add(new Request.Query(Request.Query.LATEST));
    all.add(new Request.Query(42));
    all.add(new Request.NodeStatus());
    all.add(new Request.Ping());
    all.add(new Request.PeerHello(3));
    all.add(new Request.PeerMessage(new byte[] {0, 1, (byte) 0xFF}));
    all.add(new Request.PeerMessage(new byte[0]));
    for (FrameType t : FrameType.values()) {
      if (!t.expectsReply()) continue;
      for (Status s : Status.wireStatuses()) all.add(sampleResponse(t, s));
    }
    for (Status s : Status.wireStatuses()) {
      if (s != Status.OK) all.add(new ProtocolError(s, "why: " + s));
    }
    return all;
  }

  private static Response sampleResponse(FrameType t, Status s) {
    Class<? extends Result> kind = Response.expectedKind(t, s);
    Result r;
    if (kind == Result.Value.class) {
      r = new Result.Value(s == Status.OK ? "v" : null);
    } else if (kind == Result.LeaderHint.class) {
      r = new Result.LeaderHint(2, "10.0.0.2:7000");
    } else if (kind == Result.GroupHint.class) {
      r = new Result.GroupHint(17);
    } else if (kind == Result.Text.class) {
      r = new Result.Text("detail of " + s);
    } else if (kind == Result.Config.class) {
      r = new Result.Config(new Configuration(5, new int[] {1, 1, 2, 0},
          new TreeMap<>(Map.of(1, List.of("h1:1"), 2, List.of("h2:1", "h3:1")))));
    } else if (kind == Result.Info.class) {
      r = Result.Info.of(Map.of("role", "LEADER", "term", "4"));
    } else if (kind == Result.Page.class) {
      r = new Result.Page(new TreeMap<>(Map.of("a", "1", "b", "")), true);
    } else {
      r = Result.None.INSTANCE;
    }
    return new Response(t, s, r);
  }

  /** A random valid message of a random type. */
  Message next() {
    switch (random.nextInt(16)) {
      case 0: return new Request.Get(random.nextLong(), random.nextLong(), str());
      case 1: return new Request.Put(random.nextLong(), random.nextLong(), str(), str());
      case 2: return new Request.Append(random.nextLong(), random.nextLong(), str(), str());
      case 3: return new Request.Cas(random.nextLong(), random.nextLong(), str(),
          random.nextBoolean() ? null : str(), str());
      case 4: return new Request.Delete(random.nextLong(), random.nextLong(), str());
      case 5: return new Request.Join(random.nextLong(), random.nextLong(), groups());
      case 6: {
        List<Integer> gids = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) gids.add(random.nextInt());
        return new Request.Leave(random.nextLong(), random.nextLong(), gids);
      }
      case 7: return new Request.Move(random.nextLong(), random.nextLong(), random.nextInt(), random.nextInt(),
          random.nextBoolean());
      case 8: return new Request.Query(random.nextLong());
      case 9: {
        int pick = random.nextInt(3);
        return pick == 0 ? new Request.NodeStatus() : pick == 1 ? new Request.Ping()
            : new Request.Scan(random.nextInt(1 << 16), str(), random.nextBoolean() ? null : str(),
                1 + random.nextInt(5000));
      }
      case 10: return new Request.PeerHello(random.nextInt());
      case 11: {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        return new Request.PeerMessage(b);
      }
      case 12: {
        Status s = Status.wireStatuses().get(1 + random.nextInt(Status.wireStatuses().size() - 1));
        return new ProtocolError(s, str());
      }
      default: {
        List<FrameType> replyable = new ArrayList<>();
        for (FrameType t : FrameType.values()) if (t.expectsReply()) replyable.add(t);
        FrameType t = replyable.get(random.nextInt(replyable.size()));
        Status s = Status.wireStatuses().get(random.nextInt(Status.wireStatuses().size()));
        return randomResponse(t, s);
      }
    }
  }

  private Response randomResponse(FrameType t, Status s) {
    Class<? extends Result> kind = Response.expectedKind(t, s);
    Result r;
    if (kind == Result.Value.class) {
      r = new Result.Value(s == Status.OK || random.nextBoolean() ? str() : null);
    } else if (kind == Result.LeaderHint.class) {
      r = new Result.LeaderHint(random.nextInt(), str());
    } else if (kind == Result.GroupHint.class) {
      r = new Result.GroupHint(random.nextLong());
    } else if (kind == Result.Text.class) {
      r = new Result.Text(str());
    } else if (kind == Result.Config.class) {
      int[] shards = new int[random.nextInt(12)];
      for (int i = 0; i < shards.length; i++) shards[i] = random.nextInt(4);
      r = new Result.Config(new Configuration(random.nextLong(), shards, groups()));
    } else if (kind == Result.Info.class) {
      SortedMap<String, String> m = new TreeMap<>();
      for (int i = random.nextInt(4); i > 0; i--) m.put(str(), str());
      r = new Result.Info(m);
    } else if (kind == Result.Page.class) {
      SortedMap<String, String> m = new TreeMap<>();
      for (int i = random.nextInt(4); i > 0; i--) m.put(str(), str());
      r = new Result.Page(m, random.nextBoolean());
    } else {
      r = Result.None.INSTANCE;
    }
    return new Response(t, s, r);
  }

  private SortedMap<Integer, List<String>> groups() {
    SortedMap<Integer, List<String>> m = new TreeMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      List<String> servers = new ArrayList<>();
      for (int j = random.nextInt(4); j > 0; j--) servers.add(str());
      m.put(random.nextInt(1000), servers);
    }
    return m;
  }

  /** A random string mixing ASCII, accented, BMP and supplementary characters. */
  String str() {
    int n = random.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(4)) {
        case 0: sb.append((char) ('a' + random.nextInt(26))); break;
        case 1: sb.append('é'); break;
        case 2: sb.append('☃'); break;
        default: sb.appendCodePoint(0x1D11E); break;
      }
    }
    return sb.toString();
  }
}
